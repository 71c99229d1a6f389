"use strict";
(function () {
  var index = window.ARXIV_DIGEST_INDEX || [];
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  function norm(s) { return (s || "").toLowerCase(); }
  function show(query) {
    var q = norm(query).trim();
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!q) { status.textContent = index.length + " papers indexed."; return; }
    var hits = index.filter(function (e) {
      return norm(e.short_name).indexOf(q) >= 0 || norm(e.title).indexOf(q) >= 0 ||
        norm(e.id).indexOf(q) >= 0 || norm(e.area).indexOf(q) >= 0;
    });
    hits.slice(0, 50).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.url;
      a.textContent = e.short_name;
      li.appendChild(a);
      var rest = document.createElement("span");
      rest.className = "muted";
      rest.textContent = " \u2014 " + e.title + " (" + e.date + ", #" + e.rank + ")";
      li.appendChild(rest);
      list.appendChild(li);
    });
    status.textContent = hits.length + (hits.length === 1 ? " paper" : " papers") + " found.";
  }
  input.addEventListener("input", function () { show(input.value); });
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault(); show(input.value);
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; }
  show(input.value);
})();
