// Progressive enhancement of the check form: follow-up questions appear only when they apply,
// and a progress line counts the questions answered. Without JavaScript every question is shown.
(function () {
  var form = document.querySelector("form[data-check]");
  if (!form) return;
  var followUps = form.querySelectorAll("[data-shown-when]");
  var progress = document.getElementById("progress");
  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : null;
  }
  function update() {
    followUps.forEach(function (element) {
      var rule = element.getAttribute("data-shown-when").split("=");
      element.hidden = value(rule[0]) !== rule[1];
    });
    if (progress) {
      var visible = form.querySelectorAll("fieldset.item:not([hidden]) [data-required]");
      var answered = 0;
      visible.forEach(function (field) { if (value(field.getAttribute("data-required"))) answered++; });
      progress.textContent = progress.getAttribute("data-template")
        .replace("%(answered)s", answered).replace("%(total)s", visible.length);
    }
  }
  form.addEventListener("change", update);
  update();
})();
