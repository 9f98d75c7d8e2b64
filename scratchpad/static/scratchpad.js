/* How many characters of a textarea's limit are left, updated as the visitor types.
 *
 * A help only: the server's check decides. It counts as the server does (Python's len()):
 * code points, so an emoji is one character, not the two UTF-16 units of text.length.
 * The form markup (comments/index.jinja2) names the limit in data-max-length and the element
 * to update in data-counter; that element is aria-live="polite" for screen readers.
 */
(function () {
  "use strict";

  // Grouped as the page's language groups digits, in the Latin digits the server writes
  // (scratchpad/i18n/dates.py); a language tag the browser cannot read is English.
  // Plural categories as the page's language has them (Arabic: zero, one, two, few, many,
  // other), the same CLDR rules the server's translations were chosen by.
  var numbers, plurals;
  try {
    numbers = new Intl.NumberFormat(document.documentElement.lang || "en", { numberingSystem: "latn" });
    plurals = new Intl.PluralRules(document.documentElement.lang || "en");
  } catch (error) {
    numbers = new Intl.NumberFormat("en", { numberingSystem: "latn" });
    plurals = new Intl.PluralRules("en");
  }

  /* The words come from the textarea, in the page's language (data-left, and data-over: the
   * server's translation for each plural category, as JSON), with {left}, {most} and {over}
   * to fill. */
  function describe(field, left, limit) {
    if (left >= 0) {
      return (field.dataset.left || "{left} of {most} characters left")
        .replace("{left}", numbers.format(left))
        .replace("{most}", numbers.format(limit));
    }
    var forms = {};
    try {
      forms = JSON.parse(field.dataset.over || "{}");
    } catch (error) {
      // The default below, in English, rather than no count at all.
    }
    var words = forms[plurals.select(-left)] || forms.other;
    return (words || "{over} characters too many").replace("{over}", numbers.format(-left));
  }

  function watch(field) {
    var counter = document.getElementById(field.dataset.counter);
    var limit = Number(field.dataset.maxLength);
    if (!counter || !limit) {
      return;
    }
    function update() {
      // A textarea's value already has "\n" line endings, as the server normalises them.
      var text = describe(field, limit - Array.from(field.value).length, limit);
      if (counter.textContent !== text) {
        counter.textContent = text;
      }
    }
    field.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-max-length][data-counter]").forEach(watch);

  /* Reply inline: a comment's "Reply" link leads to /comments/<id>/reply, a page of its own
   * that works without JavaScript. With it, the link opens the same form under the comment
   * instead, copied from the page's <template id="reply-form-template">, posting to the same
   * address (the server answers a mistake with that page, the text kept). */
  var template = document.getElementById("reply-form-template");

  function randomHex(length) {
    var bytes = new Uint8Array(length / 2);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function openReplyForm(link) {
    var comment = link.closest("article.comment");
    var open = comment.nextElementSibling;
    if (open && open.classList.contains("comment-reply-form")) {
      open.querySelector("textarea").focus();
      return;
    }
    var form = template.content.firstElementChild.cloneNode(true);
    var id = comment.id.replace("comment-", "");
    var field = form.querySelector("textarea");
    var label = form.querySelector("label");
    var counter = form.querySelector("[aria-live]");
    form.action = link.getAttribute("href");
    form.classList.add(comment.className.match(/comment-depth-\d+/)[0]);
    form.querySelector("input[name=submission_id]").value = randomHex(32);
    field.name = "contents";
    field.id = "reply-contents-" + id;
    label.htmlFor = field.id;
    counter.id = "reply-count-" + id;
    field.dataset.counter = counter.id;
    field.setAttribute("aria-describedby", counter.id);
    form.querySelector(".comment-reply-cancel").addEventListener("click", function () {
      form.remove();
      link.setAttribute("aria-expanded", "false");
      link.focus();
    });
    comment.after(form);
    link.setAttribute("aria-expanded", "true");
    watch(field);
    field.focus();
  }

  if (template) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a.comment-reply-link");
      if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
        event.preventDefault();
        openReplyForm(link);
      }
    });
  }
})();
