// A round avatar with initials and a presence ring.
import { colorFor, initials } from "./format";

export function Avatar({ id, name, size = 28, dim = false, ring }: { id: string; name: string; size?: number; dim?: boolean; ring?: string }) {
  return (
    <span
      title={name}
      className={`inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold text-white transition-opacity ${dim ? "opacity-50" : ""} ${ring ?? ""}`}
      style={{ width: size, height: size, fontSize: size * 0.4, background: colorFor(id) }}
      aria-hidden="true"
    >
      {initials(name) || "?"}
    </span>
  );
}
