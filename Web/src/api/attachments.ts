// Attachments over REST (docs/API.md#attachments): a list per ticket, and uploads of raw bytes with progress.
import { ApiError, csrfToken, request } from "./http";
import { readableError } from "./messages";

export type { Attachment } from "../protocol/types";
import type { Attachment } from "../protocol/types";

export const listAttachments = (ticketId: string) =>
  request<{ items: Attachment[] }>("GET", `/tickets/${encodeURIComponent(ticketId)}/attachments`).then((r) => r.items);

/**
 * Uploads one file: the body is the file itself (streamed by the browser), `onProgress` gets 0…1.
 * Without `comment` the file goes on the shared reply draft (staff only until it is sent).
 */
export function uploadAttachment(
  ticketId: string,
  file: Blob,
  name: string,
  options: { comment?: string; onProgress?: (fraction: number) => void } = {},
): Promise<Attachment> {
  const query = new URLSearchParams({ name });
  if (options.comment) query.set("comment", options.comment);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/tickets/${encodeURIComponent(ticketId)}/attachments?${query}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    const csrf = csrfToken();
    if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "The server cannot be reached. Check your connection and try again."));
    xhr.onload = () => {
      let data: { error?: { code: string; message: string; field?: string } } | Attachment | null = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status === 201 && data) return resolve(data as Attachment);
      const e = (data as { error?: { code: string; message: string; field?: string } } | null)?.error ?? { code: `http_${xhr.status}`, message: xhr.statusText };
      reject(new ApiError(xhr.status, e.code, readableError(e.code, e.message, e.field), e.field));
    };
    xhr.send(file);
  });
}

/** "1.2 MB", "340 KB", "12 bytes". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
