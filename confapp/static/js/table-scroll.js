// A table wider than the screen scrolls inside its wrapper (.table-scroll). Keyboard users reach
// the hidden part through the table's links and buttons; a table without any gets a tab stop of
// its own, so the arrow keys can scroll it (WCAG 2.1.1). Checked again whenever a wrapper or its
// table changes size: when the web fonts arrive after the first check, the window is resized, or
// the table grows.
(function () {
  function update() {
    document.querySelectorAll('.table-scroll').forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
      var reachable = box.querySelector('a[href], button, input, select, textarea, [tabindex]');
      if (scrolls && !reachable) {
        box.tabIndex = 0;
      } else if (box.getAttribute('tabindex') === '0' && !scrolls) {
        box.removeAttribute('tabindex');
      }
    });
  }
  update();
  if ('ResizeObserver' in window) {
    var watcher = new ResizeObserver(update);
    document.querySelectorAll('.table-scroll, .table-scroll > *').forEach(function (element) {
      watcher.observe(element);
    });
  }
  window.addEventListener('resize', update);
  window.addEventListener('load', update);
})();
