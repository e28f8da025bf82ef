// The Redux store and its React binding through useSyncExternalStore (there is no react-redux here).
import { createStore } from "redux";
import { useSyncExternalStore } from "react";
import { reducer, type Action, type RootState } from "./state";

export const store = createStore(reducer);
export const dispatch = (a: Action): void => {
  store.dispatch(a);
};

/** Subscribes a component to `select(state)`; the selector must return a stable reference for unchanged input. */
export function useSelector<T>(select: (s: RootState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

let toastIds = 0;
/** Shows a short message; errors stay until dismissed. */
export function toast(kind: "error" | "info" | "success", text: string): void {
  const id = ++toastIds;
  dispatch({ type: "toast", toast: { id, kind, text } });
  if (kind !== "error") setTimeout(() => dispatch({ type: "toast/dismiss", id }), 4000);
}
