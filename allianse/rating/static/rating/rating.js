// The rating screen, made quicker with the keyboard and safe against a closed browser:
// number keys rate the item you are on, arrow keys up/down move between items, "t" stamps the
// player's time on the item, "p" plays or pauses; a time stamp, a noted time or a mark on the
// time line jumps the player there; the draft is posted every few seconds when
// something has changed. Without JavaScript the page works with the Save draft button.
// The player plays the segment's own file, whose clock starts at 0 at the segment's start;
// a stamp adds the segment's start (data-offset), so stamps are times into the recording.
(function () {
  var player = document.getElementById("player");
  var box = document.querySelector("[data-player]");
  var offset = box && box.dataset.offset ? parseFloat(box.dataset.offset) : 0;

  // Jump to a time: any link or button with data-seek (seconds into the recording) moves the
  // player there; without JavaScript the times are plain text and links to the player.
  function seek(seconds) {
    if (!player || isNaN(seconds)) return;
    player.currentTime = Math.max(0, seconds - offset);
    player.focus();
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-seek]") : null;
    if (!target || !player) return;
    event.preventDefault();
    seek(parseFloat(target.dataset.seek));
  });
  // The time line under the player: each stamped item as a mark at its place in the segment.
  Array.prototype.forEach.call(document.querySelectorAll("[data-timeline] .timeline-bar"), function (bar) {
    Array.prototype.forEach.call(bar.querySelectorAll("[data-share]"), function (mark) {
      mark.style.left = (parseFloat(mark.dataset.share) * 100).toFixed(2) + "%";
    });
    bar.hidden = false;
  });
  function seconds(text) {
    var parts = text.trim().split(":").map(Number);
    if (!text.trim() || parts.some(isNaN)) return NaN;
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  var form = document.querySelector("form[data-rating]");
  if (!form) return;
  var items = Array.prototype.slice.call(form.querySelectorAll("fieldset.rate-item"));
  var dirty = false;
  function changed() { dirty = true; }

  function clock(seconds) {
    var whole = Math.round(seconds), hours = Math.floor(whole / 3600), minutes = Math.floor((whole % 3600) / 60);
    var secs = String(whole % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + secs : minutes + ":" + secs;
  }
  function stamp(item) {
    if (!player || !item) return;
    var field = item.querySelector("input.stamp");
    field.value = clock(offset + player.currentTime);
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function focusItem(item) {
    var target = item.querySelector("input:checked") || item.querySelector("input, select, textarea") || item;
    target.focus();
    item.scrollIntoView({ block: "nearest" });
  }
  function currentItem() {
    var element = document.activeElement;
    return element && element.closest ? element.closest("fieldset.rate-item") : null;
  }

  items.forEach(function (item) {
    var button = item.querySelector("button.stamp-now");
    if (!button || !player) return;
    button.hidden = false;
    button.addEventListener("click", function () { stamp(item); });
    var back = item.querySelector("button.seek-stamp");
    back.hidden = false;
    back.addEventListener("click", function () { seek(seconds(item.querySelector("input.stamp").value)); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.matches("input[type=text], textarea, select")) return;
    var item = currentItem();
    if (/^[0-9]$/.test(event.key) && item) {
      var radio = item.querySelector('input[type=radio][value="' + event.key + '"]');
      if (!radio) return;
      radio.checked = true;
      radio.focus();
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var next = item ? items[items.indexOf(item) + (event.key === "ArrowDown" ? 1 : -1)] : items[0];
      if (!next) return;
      focusItem(next);
    } else if (event.key === "t" && item) {
      stamp(item);
    } else if (event.key === "p" && player) {
      if (player.paused) { player.play(); } else { player.pause(); }
    } else {
      return;
    }
    event.preventDefault();
  });

  var url = form.dataset.autosave;
  if (!url) return;
  var status = document.getElementById("save-status");
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  function save() {
    if (!dirty) return;
    dirty = false;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        status.textContent = status.dataset.saved;
      })
      .catch(function () {
        dirty = true;
        status.textContent = status.dataset.failed;
      });
  }
  setInterval(save, 4000);
  window.addEventListener("pagehide", function () {
    if (dirty) navigator.sendBeacon(url, new FormData(form));
  });
  form.addEventListener("submit", function () { dirty = false; });
})();
