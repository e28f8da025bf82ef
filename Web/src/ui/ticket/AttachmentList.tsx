// Files: every attachment of a ticket this user may see, and the ones of one comment shown inline in the conversation.
import { formatSize, type Attachment } from "../../api/attachments";

/** An image as a thumbnail linking to the full picture; any other file as a download link. */
export function AttachmentItem({ a, showVisibility = false }: { a: Attachment; showVisibility?: boolean }) {
  return (
    <span className="inline-flex max-w-full items-center gap-2" data-testid="attachment" data-name={a.name} data-visibility={a.visibility}>
      {a.thumbnailURL ? (
        <a href={a.url} target="_blank" rel="noopener" className="shrink-0">
          <img src={a.thumbnailURL} alt={a.name} className="max-h-32 rounded border border-slate-200 dark:border-slate-700" data-testid="attachment-image" />
        </a>
      ) : null}
      <a href={a.url} download={a.name} className="min-w-0 truncate text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
        {a.name}
      </a>
      <span className="shrink-0 text-xs text-slate-600 dark:text-slate-400">{formatSize(a.size)}</span>
      {showVisibility && a.visibility === "internal" && (
        <span className="shrink-0 rounded bg-amber-200 px-1.5 text-xs font-semibold text-amber-950">{a.comment ? "Internal" : "Draft"}</span>
      )}
    </span>
  );
}

export function AttachmentList({ items, staff }: { items: Attachment[]; staff: boolean }) {
  return (
    <section aria-labelledby="files-heading" data-testid="attachment-list">
      <h3 id="files-heading" className="mb-2 text-sm font-semibold">Files</h3>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No files yet.</p>
      ) : (
        <ul className="space-y-2">
          {items.map((a) => (
            <li key={a.id}>
              <AttachmentItem a={a} showVisibility={staff} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
