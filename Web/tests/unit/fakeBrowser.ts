// The browser around the live client, for node: a window that raises online/offline events, navigator.onLine,
// sessionStorage, document.cookie, WebSockets the test drives by hand, and a clock the test moves (timers and
// Date.now). Import it first: the modules under test read these globals when they load.
declare const globalThis: Record<string, unknown>;

/** A WebSocket whose server side is the test: it opens, delivers frames and closes on command. */
export class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  /** Every socket made, oldest first. */
  static all: FakeSocket[] = [];
  static get last(): FakeSocket {
    const s = FakeSocket.all[FakeSocket.all.length - 1];
    if (!s) throw new Error("no socket was opened");
    return s;
  }

  readyState = FakeSocket.CONNECTING;
  /** What the client sent, parsed. */
  sent: Record<string, unknown>[] = [];
  closedByClient = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols?: string[],
  ) {
    FakeSocket.all.push(this);
  }

  send(data: string): void {
    if (this.readyState !== FakeSocket.OPEN) throw new Error("send on a socket that is not open");
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = FakeSocket.CLOSED;
  }

  // The server's side.
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code });
  }
}

/** Timers and Date.now under the test's control. */
export const clock = {
  now: 1_750_000_000_000,
  timers: new Map<number, { at: number; fn: () => void; every?: number }>(),
  nextId: 1,
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = clock.now + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void; every?: number }] | undefined;
      for (const entry of clock.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      const [id, timer] = due;
      clock.now = Math.max(clock.now, timer.at);
      if (timer.every !== undefined) timer.at += timer.every;
      else clock.timers.delete(id);
      timer.fn();
    }
    clock.now = end;
  },
};

const schedule = (fn: () => void, ms = 0, every?: number): number => {
  const id = clock.nextId++;
  clock.timers.set(id, { at: clock.now + Math.max(0, ms), fn, every: every === undefined ? undefined : Math.max(1, every) });
  return id;
};
const cancel = (id: unknown): void => void clock.timers.delete(id as number);

const storage = new Map<string, string>();
const windowEvents = new EventTarget();
export const page = {
  location: { protocol: "http:", host: "localhost:8080", pathname: "/", search: "" },
  online: true,
  /** Fires `online` or `offline` on the window, as the browser does. */
  setOnline(online: boolean): void {
    page.online = online;
    windowEvents.dispatchEvent(new Event(online ? "online" : "offline"));
  },
};

globalThis.window = {
  addEventListener: (type: string, fn: () => void) => windowEvents.addEventListener(type, fn),
  removeEventListener: (type: string, fn: () => void) => windowEvents.removeEventListener(type, fn),
  dispatchEvent: (e: Event) => windowEvents.dispatchEvent(e),
  location: page.location,
};
globalThis.navigator = {
  get onLine() {
    return page.online;
  },
};
globalThis.WebSocket = FakeSocket;
globalThis.location = page.location;
globalThis.document = { cookie: "", addEventListener: () => undefined, removeEventListener: () => undefined };
globalThis.sessionStorage = {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, v),
  removeItem: (k: string) => void storage.delete(k),
  key: (i: number) => [...storage.keys()][i] ?? null,
  get length() {
    return storage.size;
  },
};
globalThis.setTimeout = (fn: () => void, ms?: number) => schedule(fn, ms);
globalThis.clearTimeout = cancel;
globalThis.setInterval = (fn: () => void, ms?: number) => schedule(fn, ms, ms ?? 0);
globalThis.clearInterval = cancel;
Date.now = () => clock.now;
// No server behind the REST calls the client makes on its own (the origin check): they fail fast.
globalThis.fetch = () => Promise.reject(new Error("no network in unit tests"));

/** Lets promise callbacks and queued microtasks run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
