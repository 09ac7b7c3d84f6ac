// The review desk's only script: keyboard navigation, and the box of the field under the cursor on the original.
// No inline script anywhere (the Content-Security-Policy forbids it); the pages work without this file.
"use strict";

(function () {
  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) { window.location.assign(link.getAttribute("href")); }
  }

  // -- queue: j/k move the selection, Enter opens, / searches -----------------------------------
  function queueKeys() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-href]"));
    var current = -1;
    function select(index) {
      if (!rows.length) { return; }
      if (current >= 0) { rows[current].classList.remove("selected"); }
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows[current].classList.add("selected");
      rows[current].scrollIntoView({block: "nearest"});
    }
    rows.forEach(function (row, index) {
      row.addEventListener("click", function (event) {
        if (event.target.tagName !== "A") { window.location.assign(row.getAttribute("data-href")); }
      });
      row.addEventListener("mouseenter", function () { select(index); });
    });
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (typing(event)) {
        if (event.key === "Escape") { event.target.blur(); }
        return;
      }
      if (event.key === "j" || event.key === "ArrowDown") { select(current + 1); event.preventDefault(); }
      else if (event.key === "k" || event.key === "ArrowUp") { select(current - 1); event.preventDefault(); }
      else if (event.key === "Enter" || event.key === "o") {
        if (current >= 0) { window.location.assign(rows[current].getAttribute("data-href")); }
        else if (rows.length) { window.location.assign(rows[0].getAttribute("data-href")); }
      }
      else if (event.key === "/") { var box = document.getElementById("sender-filter"); if (box) { box.focus(); event.preventDefault(); } }
      else if (event.key === "n") { follow(".paging a[rel=next]"); }
      else if (event.key === "p") { follow(".paging a[rel=prev]"); }
    });
  }

  // -- document: n/p next and previous, a approves, r goes to the rejection reason, u back to the queue --
  function documentKeys() {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (typing(event)) {
        if (event.key === "Escape") { event.target.blur(); }
        return;
      }
      if (event.key === "n" || event.key === "j") { follow("a#next"); }
      else if (event.key === "p" || event.key === "k") { follow("a#previous"); }
      else if (event.key === "u") { follow(".step a"); }
      else if (event.key === "a") {
        var form = document.getElementById("approve-form");
        if (form) { event.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
      }
      else if (event.key === "r") {
        var reason = document.querySelector("#reject-form input[name=reason]");
        if (reason) { event.preventDefault(); reason.focus(); }
      }
      else if (event.key === "e") {
        var first = document.querySelector("tr.field.error input[name=value], tr.field.warning input[name=value]");
        if (first) { event.preventDefault(); first.focus(); first.select(); }
      }
    });
  }

  // -- the box of the field under the cursor, drawn on the page image; the segment, highlighted --
  function overlays() {
    var box = document.createElement("div");
    box.className = "bbox";
    var hot = null;
    function show(row) {
      hide();
      var segment = row.getAttribute("data-segment");
      if (segment) {
        hot = document.getElementById("seg-" + segment);
        if (hot) { hot.classList.add("hot"); hot.scrollIntoView({block: "nearest"}); }
      }
      var bbox = row.getAttribute("data-bbox");
      var page = document.querySelector("figure.page[data-page='" + row.getAttribute("data-page") + "']");
      if (!bbox || !page) { return; }
      var b = bbox.split(",").map(Number);
      var w = Number(page.getAttribute("data-width")), h = Number(page.getAttribute("data-height"));
      if (b.length !== 4 || !w || !h) { return; }
      box.style.left = (100 * b[0] / w) + "%";
      box.style.top = (100 * b[1] / h) + "%";
      box.style.width = (100 * (b[2] - b[0]) / w) + "%";
      box.style.height = (100 * (b[3] - b[1]) / h) + "%";
      (page.querySelector(".canvas") || page).appendChild(box);
      box.scrollIntoView({block: "nearest"});
    }
    function hide() {
      if (box.parentNode) { box.parentNode.removeChild(box); }
      if (hot) { hot.classList.remove("hot"); hot = null; }
    }
    Array.prototype.forEach.call(document.querySelectorAll("tr.field"), function (row) {
      row.addEventListener("mouseenter", function () { show(row); });
      row.addEventListener("focusin", function () { show(row); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.body.classList.contains("queue-page")) { queueKeys(); }
    if (document.body.classList.contains("document-page")) { documentKeys(); overlays(); }
  });
})();
