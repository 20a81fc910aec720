/* awardbot web chat: plain JavaScript, no build step, no inline code (the page's CSP forbids it).
   Talks to the JSON API with fetch: POST api/messages {text}, POST api/buttons {data}, GET api/history.
   Bot replies arrive as HTML the server escaped; the user's own text is only ever set as textContent. */
(function () {
  "use strict";

  var root = document.querySelector('meta[name="api-root"]').content;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var toastBox = document.getElementById("toast");
  var i18nBox = document.getElementById("i18n");
  var strings = { zh: JSON.parse(i18nBox.dataset.zh), en: JSON.parse(i18nBox.dataset.en) };
  var lang = document.documentElement.dataset.lang || "zh";
  var busy = 0;
  var queue = Promise.resolve();

  function words(key) { return (strings[lang] || strings.zh)[key] || key; }

  function setLang(code, mode) {
    if (code === "zh" || code === "en") {
      lang = code;
      document.documentElement.dataset.lang = code;
      document.documentElement.lang = code === "zh" ? "zh-CN" : "en";
    }
    if (mode) { document.documentElement.dataset.langMode = mode; }
    var current = document.documentElement.dataset.langMode || "auto";
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.setLang === current ? "true" : "false");
    });
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = words(el.dataset.t); });
    document.querySelectorAll("[data-t-placeholder]").forEach(function (el) {
      el.placeholder = words(el.dataset.tPlaceholder);
      el.setAttribute("aria-label", words(el.dataset.tPlaceholder));
    });
    document.querySelectorAll("[data-t-label]").forEach(function (el) {
      el.setAttribute("aria-label", words(el.dataset.tLabel));
    });
    document.title = words("title");
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function toast(text) {
    if (!text) { return; }
    toastBox.textContent = text;
    toastBox.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { toastBox.hidden = true; }, 2600);
  }

  function userBubble(text, id) {
    var row = document.createElement("div");
    row.className = "msg user";
    if (id) { row.dataset.id = id; }
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    row.appendChild(bubble);
    log.appendChild(row);
  }

  function botBubble(reply) {
    var row = document.createElement("div");
    row.className = "msg bot";
    row.dataset.id = reply.id;
    if (reply.kind) { row.dataset.kind = reply.kind; }
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    if (reply.html) {
      var body = document.createElement("div");
      body.className = "text";
      body.innerHTML = reply.html; /* built by the server from escaped spans only */
      bubble.appendChild(body);
    }
    if (reply.image) {
      var link = document.createElement("a");
      link.href = reply.image;
      link.target = "_blank";
      link.rel = "noopener";
      link.className = "figure";
      var img = document.createElement("img");
      img.src = reply.image;
      img.alt = reply.text || "chart";
      img.addEventListener("load", scrollDown);
      link.appendChild(img);
      bubble.appendChild(link);
    }
    if (reply.file) {
      var file = document.createElement("a");
      file.className = "file";
      file.href = reply.file.url;
      file.setAttribute("download", reply.file.name);
      var icon = document.createElement("span");
      icon.className = "file-icon";
      icon.textContent = /\.pdf$/i.test(reply.file.name) ? "PDF" : "JSON";
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = reply.file.name;
      var action = document.createElement("span");
      action.className = "file-action";
      action.textContent = words("download");
      file.appendChild(icon);
      file.appendChild(name);
      file.appendChild(action);
      bubble.appendChild(file);
    }
    row.appendChild(bubble);
    (reply.buttons || []).forEach(function (buttons) {
      var line = document.createElement("div");
      line.className = "buttons";
      buttons.forEach(function (b) {
        var el;
        if (b.url) {
          el = document.createElement("a");
          el.href = b.url;
          el.target = "_blank";
          el.rel = "noopener";
        } else {
          el = document.createElement("button");
          el.type = "button";
          el.dataset.data = b.data;
        }
        el.className = "chip" + (/^[A-Z]$/.test(b.label) ? " letter" : "");
        el.textContent = b.label;
        line.appendChild(el);
      });
      row.appendChild(line);
    });
    return row;
  }

  function showReplies(replies) {
    (replies || []).forEach(function (reply) {
      toast(reply.toast);
      if (!reply.html && !reply.image && !reply.file && !(reply.buttons || []).length) { return; }
      var row = botBubble(reply);
      var old = reply.replaces && log.querySelector('[data-id="' + CSS.escape(reply.replaces) + '"]');
      if (old) { old.replaceWith(row); } else { log.appendChild(row); }
    });
    scrollDown();
  }

  function typing(on) {
    busy += on ? 1 : -1;
    var dots = log.querySelector(".typing");
    if (busy > 0 && !dots) {
      dots = document.createElement("div");
      dots.className = "msg bot typing";
      dots.setAttribute("aria-label", words("typing"));
      dots.innerHTML = '<div class="bubble"><span></span><span></span><span></span></div>';
      log.appendChild(dots);
      scrollDown();
    } else if (busy <= 0 && dots) {
      dots.remove();
    }
    log.setAttribute("aria-busy", busy > 0 ? "true" : "false");
  }

  function call(path, body) {
    typing(true);
    return fetch(root + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401 && data.error === "access") { window.location.reload(); }
        return data;
      });
    }).then(function (data) {
      typing(false);
      if (data.lang) { setLang(data.lang, data.lang_mode); }
      showReplies(data.replies);
    }, function () {
      typing(false);
      showReplies([{ id: "offline", html: "", text: "", buttons: [] }]);
      toast(words("offline"));
    });
  }

  /* One request at a time, in order: a quick second press waits for the first reply. */
  function enqueue(task) { queue = queue.then(task, task); return queue; }

  function say(text) {
    if (!text.trim()) { return; }
    userBubble(text);
    scrollDown();
    enqueue(function () { return call("/api/messages", { text: text }); });
  }

  function press(button) {
    enqueue(function () { return call("/api/buttons", { data: button.dataset.data }); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    grow();
    say(text);
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit(sendButton) : form.dispatchEvent(new Event("submit"));
    }
  });

  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }
  input.addEventListener("input", grow);

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button[data-data], [data-cmd], [data-set-lang]");
    if (!target) { return; }
    if (target.dataset.data) { press(target); return; }
    event.preventDefault();
    if (target.dataset.cmd) { say(target.dataset.cmd); return; }
    say("/lang " + target.dataset.setLang);
  });

  function start() {
    setLang(lang, null);
    var params = new URLSearchParams(window.location.search);
    var payload = params.get("start");
    if (payload !== null) { history.replaceState(null, "", window.location.pathname); }
    fetch(root + "/api/history", { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        (data.messages || []).forEach(function (m) {
          if (m.from === "user") { userBubble(m.text, m.id); } else { log.appendChild(botBubble(m)); }
        });
        scrollDown();
        if (payload) {
          enqueue(function () { return call("/api/messages", { text: "/start " + payload.slice(0, 80) }); });
        } else if (!(data.messages || []).length) {
          enqueue(function () { return call("/api/messages", { text: "/start" }); });
        }
      }, function () { toast(words("offline")); });
  }

  start();
}());
