// Where files join a ticket: drop them, paste a screenshot, or choose them; each upload shows its progress.
import { useRef, useState, type ClipboardEvent, type DragEvent, type ReactNode } from "react";
import { uploadAttachment, type Attachment } from "../../api/attachments";
import { btnSecondary } from "../common/ui";

interface Upload {
  key: number;
  name: string;
  progress: number;
}

let nextKey = 1;

/** A pasted screenshot has no useful name: name it after the time it was taken. */
function nameOf(file: File): string {
  if (file.name && file.name !== "image.png") return file.name;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return `screenshot-${stamp}.${file.type.split("/")[1] ?? "png"}`;
}

export function AttachmentDropZone({
  ticketId,
  comment,
  hint,
  onUploaded,
  children,
  testId = "attachment-drop",
}: {
  ticketId: string;
  /** The comment files go on; absent: the shared reply draft. */
  comment?: string;
  hint: string;
  onUploaded: (attachment: Attachment) => void;
  children?: ReactNode;
  testId?: string;
}) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [over, setOver] = useState(false);
  const chooser = useRef<HTMLInputElement>(null);

  const send = (files: File[]) => {
    for (const file of files) {
      const key = nextKey++;
      const name = nameOf(file);
      setUploads((u) => [...u, { key, name, progress: 0 }]);
      uploadAttachment(ticketId, file, name, {
        comment,
        onProgress: (progress) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, progress } : x))),
      }).then(
        (attachment) => {
          setUploads((u) => u.filter((x) => x.key !== key));
          onUploaded(attachment);
        },
        (e: unknown) => {
          setUploads((u) => u.filter((x) => x.key !== key));
          setErrors((list) => [...list, `${name}: ${e instanceof Error ? e.message : "upload failed"}`]);
        },
      );
    }
  };

  const onDrop = (e: DragEvent) => {
    if (!e.dataTransfer.files.length) return;
    e.preventDefault();
    setOver(false);
    send([...e.dataTransfer.files]);
  };
  const onPaste = (e: ClipboardEvent) => {
    const files = [...e.clipboardData.files];
    if (!files.length) return; // text pastes go on to the field
    e.preventDefault();
    send(files);
  };

  return (
    <div
      data-testid={testId}
      data-dragging={over || undefined}
      onDragOver={(e) => {
        if ([...e.dataTransfer.types].includes("Files")) {
          e.preventDefault();
          setOver(true);
        }
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      onPaste={onPaste}
      className={`space-y-2 rounded-lg ${over ? "outline-2 outline-dashed outline-indigo-600" : ""}`}
    >
      {children}
      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
        <button type="button" className={btnSecondary} onClick={() => chooser.current?.click()} data-testid="attach-button">
          Attach files
        </button>
        <span>{hint}</span>
        <input
          ref={chooser}
          type="file"
          multiple
          className="sr-only"
          tabIndex={-1}
          aria-label="Choose files to attach"
          data-testid="attach-input"
          onChange={(e) => {
            send([...(e.target.files ?? [])]);
            e.target.value = "";
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="space-y-1" aria-label="Uploads in progress">
          {uploads.map((u) => (
            <li key={u.key} className="flex items-center gap-2 text-xs" data-testid="upload-progress">
              <span className="min-w-0 flex-1 truncate">{u.name}</span>
              <progress className="h-2 w-32" max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
              <span className="w-10 text-right tabular-nums">{Math.round(u.progress * 100)}%</span>
            </li>
          ))}
        </ul>
      )}
      {errors.length > 0 && (
        <div role="alert" className="space-y-1 text-sm text-red-700 dark:text-red-400" data-testid="upload-error">
          {errors.map((text, i) => (
            <p key={i}>{text}</p>
          ))}
          <button type="button" className="text-xs underline" onClick={() => setErrors([])}>Dismiss</button>
        </div>
      )}
    </div>
  );
}
