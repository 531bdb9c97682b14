// Installed by bench/ui.py before the page's own scripts run. It measures, in the page and on its clock
// (performance.now(): milliseconds since navigation start):
//   - tti: the editor is interactive once every node whose top-left corner lies inside the canvas is drawn
//     (a .react-flow__node that React Flow has measured and made visible) and has stayed so, with the
//     viewport unmoved, for SETTLE_MS; tti is when a task posted at the first frame of that steady period
//     runs, i.e. when the main thread could first handle a click on that canvas. peakNodes is the most
//     node elements the page held at once until then.
//   - frames: while `recording`, for every animation frame that handled pointer movement, the time from the
//     frame's start (its requestAnimationFrame timestamp) until a task posted from that frame runs: the
//     input handlers, rendering and the React update the movement triggered, all done on the main thread.
//   - intervals: the time between consecutive animation frames while recording (16.7 ms at 60 Hz).
(() => {
  const SETTLE_MS = 1000;
  const nodes = window.__benchNodes ?? [];
  const bench = (window.__bench = {
    tti: null,
    visibleNodes: 0,
    peakNodes: 0,
    recording: false,
    frames: [],
    intervals: [],
    moves: 0,
    longTasks: [],
  });

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });

  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => {
    const done = waiting.shift();
    if (done !== undefined) done(performance.now());
  };
  const afterFrame = (callback) => {
    waiting.push(callback);
    channel.port2.postMessage(null);
  };

  function viewportOf(element) {
    const found = /translate\(([-\d.e]+)px, ?([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(element.style.transform);
    return found === null ? null : found.slice(1).map(Number);
  }

  // The canvas's size, from a ResizeObserver: reading it in each frame would force a layout the probe caused.
  let observed = null;
  let paneSize = null;
  function canvasSize() {
    const pane = document.querySelector(".react-flow");
    if (pane !== observed && pane !== null) {
      observed = pane;
      new ResizeObserver(([entry]) => {
        paneSize = { width: entry.contentRect.width, height: entry.contentRect.height };
      }).observe(pane);
    }
    return pane === null ? null : paneSize;
  }

  /** How many nodes should be in view, or null while any of them is not drawn yet. */
  function drawnInView() {
    const size = canvasSize();
    const viewport = document.querySelector(".react-flow__viewport");
    if (size === null || viewport === null) return null;
    const transform = viewportOf(viewport);
    if (transform === null) return null;
    const [x, y, zoom] = transform;
    const { width, height } = size;
    const drawn = new Set();
    const elements = document.querySelectorAll(".react-flow__node");
    bench.peakNodes = Math.max(bench.peakNodes, elements.length);
    for (const element of elements) {
      if (element.style.visibility !== "hidden") drawn.add(element.dataset.id);
    }
    let inView = 0;
    for (const node of nodes) {
      const left = x + node.x * zoom;
      const top = y + node.y * zoom;
      if (left < 0 || top < 0 || left >= width || top >= height) continue;
      if (!drawn.has(node.id)) return null;
      inView += 1;
    }
    return inView === 0 ? null : { inView, transform: transform.join(",") };
  }

  let steadySince = null;
  let steadyTransform = null;
  let readyAt = null;
  let moved = false;
  let previous = null;
  addEventListener(
    "pointermove",
    () => {
      moved = true;
      bench.moves += 1;
    },
    { capture: true, passive: true },
  );

  function watchLoad(now) {
    const drawn = drawnInView();
    if (drawn === null || drawn.transform !== steadyTransform) {
      steadySince = drawn === null ? null : now;
      steadyTransform = drawn === null ? null : drawn.transform;
      readyAt = null;
      if (drawn !== null) {
        const since = steadySince;
        afterFrame((at) => {
          if (steadySince === since) readyAt = at;
        });
      }
      return;
    }
    if (readyAt !== null && now - steadySince >= SETTLE_MS) {
      bench.tti = readyAt;
      bench.visibleNodes = drawn.inView;
    }
  }

  function tick(timestamp) {
    if (bench.tti === null) watchLoad(performance.now());
    if (bench.recording) {
      if (previous !== null) bench.intervals.push(timestamp - previous);
      if (moved) afterFrame((at) => bench.frames.push(at - timestamp));
      previous = timestamp;
    } else {
      previous = null;
    }
    moved = false;
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();
