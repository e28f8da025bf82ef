// WCAG 2.x contrast of the visible text on a page (run in the page by test_contrast.py).
// Returns one entry per text that misses its minimum: 4.5:1, or 3:1 for large text
// (24 px, or 18.66 px bold). Colours of any CSS syntax (Tailwind v4 uses oklch) are
// resolved by painting them on a 1×1 canvas; backgrounds are composited from the
// nearest opaque ancestor down. Disabled controls are exempt, as WCAG says; text over
// an image or gradient is not judged here.
() => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "rgba(0, 0, 0, 0)";
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const luminance = (c) => {
    const f = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  // The colour under `el`: its own background and its ancestors', composited; null if an image.
  const backgroundOf = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== "none") return null;
      const c = rgba(style.backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = dark ? [0, 0, 0, 1] : [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return bg;
  };
  const opacityOf = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    return o;
  };
  const judge = (el, text, color) => {
    const style = getComputedStyle(el);
    const bg = backgroundOf(el);
    if (!bg) return null;
    const fg = rgba(color);
    fg[3] *= opacityOf(el);
    const shown = over(fg, bg);
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (size >= 18.66 && bold);
    const need = large ? 3 : 4.5;
    const r = ratio(shown, bg);
    if (r + 1e-6 >= need) return null;
    const where = el.closest("[data-testid]")?.dataset.testid ?? el.tagName.toLowerCase();
    return { text: text.slice(0, 60), ratio: Math.round(r * 100) / 100, need, where, color, background: `rgb(${bg.slice(0, 3).map(Math.round)})` };
  };
  const visible = (el) =>
    el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && el.getClientRects().length > 0 && !el.closest("[aria-hidden=true]");
  const exempt = (el) => el.closest(":disabled, [aria-disabled=true]") !== null;

  const failures = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!el || !text || seen.has(el) || ["SCRIPT", "STYLE", "NOSCRIPT", "OPTION"].includes(el.tagName)) continue;
    seen.add(el);
    if (!visible(el) || exempt(el)) continue;
    const failure = judge(el, text, getComputedStyle(el).color);
    if (failure) failures.push(failure);
  }
  // Typed values and placeholders of form fields are text too.
  for (const el of document.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea, select")) {
    if (!visible(el) || exempt(el)) continue;
    const value = el.tagName === "SELECT" ? el.selectedOptions[0]?.text ?? "" : el.value;
    const failure = value
      ? judge(el, value, getComputedStyle(el).color)
      : el.placeholder
        ? judge(el, `placeholder: ${el.placeholder}`, getComputedStyle(el, "::placeholder").color)
        : null;
    if (failure) failures.push(failure);
  }
  return { checked: seen.size, failures };
}
