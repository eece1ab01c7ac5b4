/* Aula: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Preselect the browser's time zone on the registration form.
  function detectTimezone() {
    var select = document.querySelector("select.js-detect-timezone");
    if (!select || !window.Intl) return;
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) {
        if (select.value === "UTC" || !select.value) select.value = zone;
        return;
      }
    }
  }

  // "Listen": read the lesson aloud in its own language, where the browser has a voice for it.
  function setupListen() {
    var button = document.querySelector(".js-listen");
    if (!button || !("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) return;
    var lang = button.getAttribute("data-lang");
    var synth = window.speechSynthesis;
    function voiceFor() {
      var voices = synth.getVoices();
      for (var i = 0; i < voices.length; i++) {
        if (voices[i].lang && voices[i].lang.toLowerCase().split(/[-_]/)[0] === lang) return voices[i];
      }
      return null;
    }
    function reveal() { if (voiceFor()) button.hidden = false; }
    reveal();
    if (typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", reveal);
    button.addEventListener("click", function () {
      if (synth.speaking) {
        synth.cancel();
        button.textContent = button.getAttribute("data-label-play");
        return;
      }
      var article = document.getElementById("lesson");
      var text = article ? article.innerText : "";
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      var voice = voiceFor();
      if (voice) utterance.voice = voice;
      utterance.onend = function () { button.textContent = button.getAttribute("data-label-play"); };
      button.textContent = button.getAttribute("data-label-stop");
      synth.speak(utterance);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    detectTimezone();
    setupListen();
  });
})();
