// A table wider than the screen scrolls inside its wrapper (.table-scroll). Keyboard users reach
// the hidden part through the table's links and buttons; a table without any gets a tab stop of
// its own, so the arrow keys can scroll it (WCAG 2.1.1). Checked again when the window changes.
(function () {
  function update() {
    document.querySelectorAll('.table-scroll').forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var reachable = box.querySelector('a[href], button, input, select, textarea, [tabindex]');
      if (scrolls && !reachable) {
        box.tabIndex = 0;
      } else if (box.getAttribute('tabindex') === '0' && !scrolls) {
        box.removeAttribute('tabindex');
      }
    });
  }
  update();
  window.addEventListener('resize', update);
})();
