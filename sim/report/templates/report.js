/* marks every figure as loaded or broken (data-loaded / data-broken) so a check of the page
   (tests/test_report.py in a headless browser) can see that every image arrived */
(function () {
  function mark(img) {
    if (img.complete && img.naturalWidth > 0) { img.setAttribute("data-loaded", "true"); }
    else if (img.complete) { img.setAttribute("data-broken", "true"); }
  }
  var imgs = document.querySelectorAll("img");
  imgs.forEach(function (img) {
    img.addEventListener("load", function () { mark(img); });
    img.addEventListener("error", function () { img.setAttribute("data-broken", "true"); });
    mark(img);
  });
})();
