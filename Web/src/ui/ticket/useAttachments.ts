// A ticket's attachments as the server lets this user see them, fetched again whenever the ticket changes or an
// `attachment` frame says a file was stored (`seen`, TicketState.files).
import { useCallback, useEffect, useState } from "react";
import { listAttachments, type Attachment } from "../../api/attachments";

export function useAttachments(
  ticketId: string,
  version: number | undefined,
  seen: number | undefined,
): { items: Attachment[]; refresh: () => void } {
  const [items, setItems] = useState<Attachment[]>([]);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let current = true;
    listAttachments(ticketId).then(
      (list) => current && setItems(list),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [ticketId, version, seen, tick]);
  return { items, refresh };
}
