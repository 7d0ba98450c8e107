// Door scanner: reads badge QR codes from the phone's camera and checks people in without a page
// load, ready for the next badge at once. Uses the browser's BarcodeDetector where it reads QR
// codes, else the vendored jsQR (static/vendor/jsqr). Without a camera the code form still works.
(function () {
  "use strict";
  var root = document.querySelector(".scanner");
  if (!root || !window.fetch) { return; }
  var form = document.getElementById("code-form");
  var input = form.querySelector("input[name=code]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var video = document.getElementById("scanner-video");
  var cameraBox = root.querySelector(".camera");
  var toggle = document.getElementById("camera-toggle");
  var status = document.getElementById("camera-status");
  var result = document.getElementById("scan-result");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
  // A badge held in front of the camera is sent once; it counts as new only after it was out of
  // sight this long (else the desk would see "already checked in" for the person still standing there).
  var REPEAT_MS = 2500;
  var MAX_WIDTH = 640;
  var detector = null;
  var stream = null;
  var busy = false;
  var lastCode = "";
  var lastSeen = 0;

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content) { node.textContent = content; }
    return node;
  }

  function show(data) {
    result.className = "result result-" + data.tone;
    result.setAttribute("data-outcome", data.outcome || "");
    result.textContent = "";
    var icon = element("span", "result-icon", data.icon);
    icon.setAttribute("aria-hidden", "true");
    var body = element("div", "result-text");
    body.appendChild(element("p", "result-title", data.title));
    if (data.detail) { body.appendChild(element("p", "result-detail", data.detail)); }
    if (data.url) {
      var link = element("a", "result-link", text("person"));
      link.href = data.url;
      body.appendChild(link);
    }
    result.appendChild(icon);
    result.appendChild(body);
    if (window.confappCounts && typeof data.checked_in === "number") {
      window.confappCounts.apply({ checked_in: data.checked_in, expected: data.expected });
    }
    if (navigator.vibrate) { navigator.vibrate(data.tone === "ok" ? 80 : [80, 60, 80]); }
  }

  function send(code) {
    busy = true;
    var body = new FormData();
    body.append("csrf_token", csrf);
    body.append("code", code);
    return fetch(root.getAttribute("data-scan-url"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { show({ tone: "bad", icon: "\u2715", title: text("offline") }); })
      .then(function () { busy = false; });
  }

  function found(code) {
    var now = Date.now();
    var repeated = code === lastCode && now - lastSeen < REPEAT_MS;
    lastCode = code;
    lastSeen = now;
    if (!repeated) { send(code); }
  }

  function nextFrame() { if (stream) { window.setTimeout(scanFrame, 120); } }

  function scanFrame() {
    if (!stream) { return; }
    if (busy || video.readyState < 2 || !video.videoWidth) { nextFrame(); return; }
    if (detector) {
      detector.detect(video)
        .then(function (codes) { if (codes.length) { found(codes[0].rawValue); } })
        .catch(function () { detector = null; })
        .then(nextFrame);
      return;
    }
    var scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    var width = Math.round(video.videoWidth * scale);
    var height = Math.round(video.videoHeight * scale);
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    var code = window.jsQR(context.getImageData(0, 0, width, height).data, width, height,
                           { inversionAttempts: "dontInvert" });
    if (code && code.data) { found(code.data); }
    nextFrame();
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    cameraBox.hidden = true;
    toggle.textContent = text("start");
    status.textContent = text("stopped");
  }

  function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = text("no-camera");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        cameraBox.hidden = false;
        toggle.textContent = text("stop");
        status.textContent = text("scanning");
        return video.play();
      })
      .then(scanFrame)
      .catch(function () {
        stream = null;
        status.textContent = text("denied");
      });
  }

  function chooseDecoder() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(); }
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); }
      })
      .catch(function () { detector = null; });
  }

  form.addEventListener("submit", function (event) {
    var code = input.value.trim();
    if (!code) { return; }  // the server shows the error next to the field
    event.preventDefault();
    send(code).then(function () { input.value = ""; });
  });
  toggle.addEventListener("click", function () { if (stream) { stop(); } else { start(); } });
  toggle.hidden = false;
  chooseDecoder().then(start);
})();
