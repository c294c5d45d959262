/* Share page: "Copy text" and "Print" buttons (hidden until this script shows them; without it the
   text can still be selected and copied, and the print view printed from the browser menu). */
(function () {
  "use strict";
  var announce = (window.Navigator && window.Navigator.announce) || function () {};

  function copyFrom(textarea) {
    var text = textarea.value;
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    textarea.focus();
    textarea.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  var copyButtons = document.querySelectorAll("[data-copy]");
  for (var i = 0; i < copyButtons.length; i++) {
    (function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        copyFrom(target).then(
          function () { announce("The text is copied. Paste it into a message."); },
          function () { announce("Copying did not work here: select the text and copy it."); }
        );
      });
    })(copyButtons[i]);
  }

  var printButtons = document.querySelectorAll("[data-print]");
  for (var j = 0; j < printButtons.length; j++) {
    printButtons[j].hidden = false;
    printButtons[j].addEventListener("click", function () { window.print(); });
  }
})();
