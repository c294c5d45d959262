/* Search page: Enter in the big box searches (Shift+Enter still makes a new line).
   Without this script the Search button does the same. */
(function () {
  "use strict";
  var box = document.querySelector("textarea[data-submit-on-enter]");
  if (!box || !box.form) return;
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (typeof box.form.requestSubmit === "function") box.form.requestSubmit();
      else box.form.submit();
    }
  });
})();
