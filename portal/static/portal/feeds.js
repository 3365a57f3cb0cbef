/* The private feed addresses (templates/portal/feeds.html): a button beside each copies it;
 * where the clipboard is refused, the field is selected for the reader to copy by hand. */
(function () {
  "use strict";

  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    field.select();
    var done = function () {
      button.textContent = button.dataset.done;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand("copy")) {
      done();
    }
  }

  document.querySelectorAll("input.feed-url").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button);
    });
  });
})();
