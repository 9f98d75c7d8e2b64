/* How many characters of a textarea's limit are left, updated as the visitor types.
 *
 * A help only: the server's check decides. It counts as the server does (Python's len()):
 * code points, so an emoji is one character, not the two UTF-16 units of text.length.
 * The form markup (comments/index.jinja2) names the limit in data-max-length and the element
 * to update in data-counter; that element is aria-live="polite" for screen readers.
 */
(function () {
  "use strict";

  var numbers = new Intl.NumberFormat("en-US");

  function describe(left, limit) {
    if (left >= 0) {
      return numbers.format(left) + " of " + numbers.format(limit) + " characters left";
    }
    return numbers.format(-left) + (left === -1 ? " character" : " characters") + " too many";
  }

  function watch(field) {
    var counter = document.getElementById(field.dataset.counter);
    var limit = Number(field.dataset.maxLength);
    if (!counter || !limit) {
      return;
    }
    function update() {
      // A textarea's value already has "\n" line endings, as the server normalises them.
      var text = describe(limit - Array.from(field.value).length, limit);
      if (counter.textContent !== text) {
        counter.textContent = text;
      }
    }
    field.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-max-length][data-counter]").forEach(watch);
})();
