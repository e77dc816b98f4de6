/*!
 * Refund Desk chat widget __WIDGET_VERSION__
 * Talks to Rasa's `socketio` channel through socket.io-client 4.x.
 *
 * Embed with one tag:
 *   <script src="https://assist.example.com/widget/widget.js"
 *           data-server="https://assist.example.com" defer></script>
 *
 * Optional attributes: data-socket-path ("/socket.io/"), data-title,
 * data-subtitle, data-customer-email, data-storage ("local" | "session"),
 * data-transports ("websocket" or "websocket,polling"), data-open ("true"),
 * data-socketio-src (URL of socket.io.min.js; default: next to this file).
 *
 * No fonts, styles or scripts are fetched from anywhere but the widget's own
 * folder: socket.io.min.js is served next to widget.js.
 */
(function () {
  "use strict";

  var VERSION = "__WIDGET_VERSION__";
  if (window.RefundDeskWidget && window.RefundDeskWidget.version) {
    return; // embedded twice: keep the first one
  }

  var script =
    document.currentScript ||
    (function () {
      var all = document.querySelectorAll("script[data-server]");
      return all[all.length - 1];
    })();
  if (!script || !script.getAttribute("data-server")) {
    if (window.console) console.error("Refund Desk widget: the <script> tag needs a data-server attribute");
    return;
  }

  function attr(name, fallback) {
    var value = script.getAttribute("data-" + name);
    return value === null || value === "" ? fallback : value;
  }

  var config = {
    server: attr("server").replace(/\/+$/, ""),
    socketPath: attr("socket-path", "/socket.io/"),
    title: attr("title", "Refund Desk"),
    subtitle: attr("subtitle", "We usually answer at once"),
    customerEmail: attr("customer-email", ""),
    token: attr("token", ""),
    storage: attr("storage", "local") === "session" ? "session" : "local",
    transports: attr("transports", "websocket").split(",").map(function (t) { return t.trim(); }),
    startOpen: attr("open", "false") === "true",
    socketioSrc: attr("socketio-src", new URL("socket.io.min.js", script.src || location.href).href),
  };

  // ---------------------------------------------------------------- storage
  var STORAGE_KEY = "refund-desk-widget:" + config.server;
  var MAX_MESSAGES = 200;
  var memoryStore = {};
  var store = (function () {
    try {
      var s = config.storage === "session" ? window.sessionStorage : window.localStorage;
      var probe = STORAGE_KEY + ":probe";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memoryStore, k) ? memoryStore[k] : null; },
        setItem: function (k, v) { memoryStore[k] = String(v); },
        removeItem: function (k) { delete memoryStore[k]; },
      };
    }
  })();

  function loadState() {
    try {
      var saved = JSON.parse(store.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved === "object" && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* corrupted: start afresh */ }
    return { sessionId: null, sessionSecret: null, messages: [], open: false };
  }

  var state = loadState();
  function saveState() {
    if (state.messages.length > MAX_MESSAGES) state.messages = state.messages.slice(-MAX_MESSAGES);
    try { store.setItem(STORAGE_KEY, JSON.stringify(state)); } catch (e) { /* quota: ignore */ }
  }

  var extraMetadata = {};
  function metadata() {
    var m = {
      page_url: location.href,
      page_title: document.title,
      locale: navigator.language || "",
      widget_version: VERSION,
    };
    if (config.customerEmail) m.customer_email = config.customerEmail;
    for (var k in extraMetadata) {
      if (Object.prototype.hasOwnProperty.call(extraMetadata, k)) m[k] = extraMetadata[k];
    }
    return m;
  }

  // ------------------------------------------------------------------ styles
  var CSS = [
    ":host{all:initial}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".rd{--rd-accent:#1d4ed8;--rd-accent-dark:#1e3a8a;--rd-bg:#fff;--rd-muted:#4b5563;--rd-bot:#f1f5f9;",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#111827}",
    ".sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}",
    "button{font:inherit;cursor:pointer}",
    ":focus-visible{outline:3px solid #f59e0b;outline-offset:2px}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;",
    "border:0;border-radius:999px;padding:12px 18px;background:var(--rd-accent);color:#fff;font-weight:600;",
    "box-shadow:0 6px 20px rgba(0,0,0,.25)}",
    ".launcher:hover{background:var(--rd-accent-dark)}",
    ".launcher[hidden]{display:none}",
    ".launcher svg{width:22px;height:22px;fill:currentColor}",
    ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:380px;height:min(680px,calc(100vh - 40px));",
    "display:flex;flex-direction:column;background:var(--rd-bg);border-radius:14px;overflow:hidden;",
    "box-shadow:0 12px 40px rgba(0,0,0,.3)}",
    ".panel[hidden]{display:none}",
    ".header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--rd-accent);color:#fff}",
    ".header .titles{flex:1;min-width:0}",
    ".header h2{margin:0;font-size:16px;line-height:1.2}",
    ".header p{margin:2px 0 0;font-size:12px;opacity:.9}",
    ".icon-btn{border:0;background:transparent;color:#fff;border-radius:8px;padding:6px 8px;font-size:13px;line-height:1}",
    ".icon-btn:hover{background:rgba(255,255,255,.18)}",
    ".close{font-size:22px}",
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#fff}",
    ".hint{color:var(--rd-muted);font-size:14px;text-align:center;margin:auto 8px}",
    ".msg{max-width:85%;padding:9px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}",
    ".msg.bot{align-self:flex-start;background:var(--rd-bot);border-bottom-left-radius:4px}",
    ".msg .speaker{display:block;font-size:12px;font-weight:600;color:var(--rd-muted);margin-bottom:2px}",
    ".msg.user{align-self:flex-end;background:var(--rd-accent);color:#fff;border-bottom-right-radius:4px}",
    ".msg a{color:inherit;text-decoration:underline}",
    ".msg.bot a{color:var(--rd-accent-dark)}",
    ".msg img{display:block;max-width:100%;border-radius:8px}",
    ".replies{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start;max-width:100%}",
    ".reply{border:1.5px solid var(--rd-accent);background:#fff;color:var(--rd-accent-dark);border-radius:999px;",
    "padding:6px 12px;font-size:14px}",
    ".reply:hover{background:#eff6ff}",
    ".typing{align-self:flex-start;background:var(--rd-bot);border-radius:14px;padding:12px 14px;display:flex;gap:4px}",
    ".typing span{width:7px;height:7px;border-radius:50%;background:#64748b;animation:rd-blink 1.2s infinite ease-in-out}",
    ".typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes rd-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.typing span{animation:none;opacity:.7}}",
    ".status{font-size:12px;color:var(--rd-muted);padding:0 14px;min-height:0}",
    ".status:not(:empty){padding:4px 14px}",
    ".composer{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}",
    ".composer input{flex:1;min-width:0;font:inherit;font-size:16px;padding:10px 12px;border:1.5px solid #9ca3af;",
    "border-radius:10px;color:#111827;background:#fff}",
    ".composer input:focus{border-color:var(--rd-accent);outline:none;box-shadow:0 0 0 3px rgba(29,78,216,.3)}",
    ".send{border:0;border-radius:10px;padding:0 16px;background:var(--rd-accent);color:#fff;font-weight:600}",
    ".send:hover{background:var(--rd-accent-dark)}",
    ".send:disabled{opacity:.6;cursor:default}",
    "@media (max-width:480px){",
    ".panel{right:0;bottom:0;left:0;top:0;width:100%;height:100%;height:100dvh;border-radius:0}",
    ".launcher{right:12px;bottom:12px}",
    ".msg{max-width:90%}}",
  ].join("");

  // --------------------------------------------------------------------- DOM
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var name in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, name) || attrs[name] === null || attrs[name] === undefined) continue;
        if (name === "text") node.textContent = attrs[name];
        else if (name === "className") node.className = attrs[name];
        else node.setAttribute(name, attrs[name]);
      }
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  var host = el("div", { id: "refund-desk-widget", "data-version": VERSION });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = el("style", { text: CSS });

  var launcher = el("button", {
    type: "button", className: "launcher", "aria-label": "Open chat: " + config.title,
    "aria-expanded": "false", "aria-controls": "rd-panel",
  });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  launcher.appendChild(el("span", { text: "Chat with us" }));

  var titleId = "rd-title";
  var resetButton = el("button", { type: "button", className: "icon-btn reset", "aria-label": "Start a new conversation", text: "New chat" });
  var closeButton = el("button", { type: "button", className: "icon-btn close", "aria-label": "Close chat", text: "\u00d7" });
  var log = el("div", {
    className: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0",
  });
  var status = el("div", { className: "status", role: "status", "aria-live": "polite" });
  var input = el("input", {
    id: "rd-input", type: "text", autocomplete: "off", enterkeyhint: "send", maxlength: "1000",
    placeholder: "Type your message\u2026",
  });
  var sendButton = el("button", { type: "submit", className: "send", "aria-label": "Send message", text: "Send" });
  var form = el("form", { className: "composer", "aria-label": "Send a message" }, [
    el("label", { for: "rd-input", className: "sr-only", text: "Your message" }),
    input,
    sendButton,
  ]);
  var panel = el("section", { id: "rd-panel", className: "panel", role: "dialog", "aria-labelledby": titleId, hidden: "" }, [
    el("div", { className: "header" }, [
      el("div", { className: "titles" }, [
        el("h2", { id: titleId, text: config.title }),
        el("p", { text: config.subtitle }),
      ]),
      resetButton,
      closeButton,
    ]),
    log,
    status,
    form,
  ]);
  var wrapper = el("div", { className: "rd" }, [launcher, panel]);
  root.appendChild(style);
  root.appendChild(wrapper);

  // ------------------------------------------------------------ rendering
  var LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+|mailto:[^\s)]+)\)|(https?:\/\/[^\s<]+[^\s<.,;:!?)\]'"])|\*\*([^*\n]+)\*\*/g;

  function richText(text) {
    var frag = document.createDocumentFragment();
    var last = 0;
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      if (match.index > last) frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[4] !== undefined) {
        frag.appendChild(el("strong", { text: match[4] }));
      } else {
        var href = match[2] || match[3];
        frag.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: match[1] || href }));
      }
      last = LINK.lastIndex;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  var typingNode = null;
  var typingTimer = null;

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // Who is writing: a person's first name on their messages; once a person has written, "Assistant"
  // on the assistant's, so the customer can tell them apart.
  function speakerOf(index) {
    var message = state.messages[index];
    if (message.author) return message.author + " (from our team)";
    for (var i = 0; i < index; i++) if (state.messages[i].author) return "Assistant";
    return null;
  }

  function renderMessage(message, index) {
    var nodes = [];
    if (message.text) {
      var bubble = el("div", { className: "msg " + message.from, "data-from": message.from });
      var speaker = message.from === "bot" ? speakerOf(index) : null;
      if (speaker) {
        bubble.setAttribute("data-speaker", speaker);
        bubble.appendChild(el("span", { className: "speaker", "aria-hidden": "true", text: speaker }));
      }
      bubble.appendChild(el("span", { className: "sr-only", text: message.from === "user" ? "You said: " : (message.author || config.title) + " said: " }));
      bubble.appendChild(message.from === "bot" ? richText(message.text) : document.createTextNode(message.text));
      nodes.push(bubble);
    }
    if (message.image) {
      var figure = el("div", { className: "msg bot", "data-from": "bot" }, [el("img", { src: message.image, alt: message.alt || "Image from " + config.title })]);
      nodes.push(figure);
    }
    var replies = message.replies || [];
    if (replies.length && !message.answered) {
      var group = el("div", { className: "replies", role: "group", "aria-label": "Suggested replies" });
      replies.forEach(function (reply) {
        var b = el("button", { type: "button", className: "reply", "data-payload": reply.payload, text: reply.title });
        b.addEventListener("click", function () { chooseReply(index, reply); });
        group.appendChild(b);
      });
      nodes.push(group);
    }
    return nodes;
  }

  function render() {
    log.textContent = "";
    if (!state.messages.length) {
      log.appendChild(el("p", { className: "hint", text: "Hello! Ask about a refund, for example \u201cI want a refund\u201d." }));
    }
    state.messages.forEach(function (m, i) { renderMessage(m, i).forEach(function (n) { log.appendChild(n); }); });
    if (typingNode) log.appendChild(typingNode);
    scrollDown();
  }

  function append(message) {
    var hint = log.querySelector(".hint");
    if (hint) hint.remove();
    if (message.from === "user") {
      // Quick replies of earlier messages no longer apply once the user has answered.
      state.messages.forEach(function (m) { if (m.replies && m.replies.length) m.answered = true; });
      log.querySelectorAll(".replies").forEach(function (g) { g.remove(); });
    }
    state.messages.push(message);
    saveState();
    var index = state.messages.length - 1;
    renderMessage(message, index).forEach(function (n) {
      if (typingNode && typingNode.parentNode === log) log.insertBefore(n, typingNode);
      else log.appendChild(n);
    });
    scrollDown();
  }

  function showTyping() {
    if (!typingNode) {
      typingNode = el("div", { className: "typing", role: "status", "aria-label": config.title + " is typing" }, [
        el("span"), el("span"), el("span"),
      ]);
    }
    log.appendChild(typingNode);
    scrollDown();
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 30000);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    if (typingNode && typingNode.parentNode) typingNode.parentNode.removeChild(typingNode);
    typingNode = null;
  }

  function setStatus(text) { status.textContent = text || ""; }

  // --------------------------------------------------------------- socket
  var socket = null;
  var confirmed = false;
  var outbox = [];

  function flush() {
    while (confirmed && socket && socket.connected && outbox.length) {
      var text = outbox.shift();
      socket.emit("user_uttered", { message: text, session_id: state.sessionId, metadata: metadata() });
    }
  }

  function sendToBot(text, shownAs) {
    append({ from: "user", text: shownAs || text, ts: Date.now() });
    outbox.push(text);
    showTyping();
    connect();
    flush();
  }

  function chooseReply(index, reply) {
    var m = state.messages[index];
    if (m) m.answered = true;
    sendToBot(reply.payload, reply.title);
    input.focus();
  }

  function onBotMessage(data) {
    if (!data || typeof data !== "object") return;
    hideTyping();
    var message = { from: "bot", ts: Date.now() };
    if (typeof data.text === "string") message.text = data.text;
    var said = data.metadata && typeof data.metadata === "object" ? data.metadata : {};
    if (said.from === "staff") message.author = String(said.name || "Staff").slice(0, 64);
    var buttons = data.quick_replies || data.buttons || [];
    if (buttons.length) {
      message.replies = buttons
        .filter(function (b) { return b && (b.payload || b.title); })
        .map(function (b) { return { title: String(b.title || b.payload), payload: String(b.payload || b.title) }; });
    }
    var att = data.attachment;
    if (att && att.type === "image" && att.payload && att.payload.src) message.image = att.payload.src;
    if (!message.text && !message.image && !message.replies) {
      if (att) message.text = typeof att === "string" ? att : JSON.stringify(att);
      else return;
    }
    append(message);
  }

  function loadSocketIo(callback) {
    if (typeof window.io === "function") return callback();
    var existing = document.querySelector('script[data-refund-desk-socketio]');
    if (!existing) {
      existing = document.createElement("script");
      existing.src = config.socketioSrc;
      existing.async = true;
      existing.setAttribute("data-refund-desk-socketio", "");
      document.head.appendChild(existing);
    }
    existing.addEventListener("load", function () { callback(); });
    existing.addEventListener("error", function () { setStatus("The chat could not load. Please try again later."); });
  }

  // The server issues the session id with a secret the first time; both are kept in the page's
  // storage only (never in the DOM) and sent back to rejoin the conversation after a reload.
  // Without the right secret, or after the session was idle too long, the server starts a new one.
  function connect() {
    if (socket) return;
    socket = "loading";
    loadSocketIo(function () {
      if (typeof window.io !== "function") {
        setStatus("The chat could not load. Please try again later.");
        return;
      }
      var options = { path: config.socketPath, transports: config.transports };
      // A signed-in customer's page passes a JWT (the channel's jwt_key checks it).
      if (config.token) options.auth = { token: config.token };
      socket = window.io(config.server, options);
      socket.on("connect", function () {
        setStatus("");
        confirmed = false;
        socket.emit("session_request", { session_id: state.sessionId, session_secret: state.sessionSecret });
      });
      socket.on("session_confirm", function (data) {
        var id = typeof data === "string" ? data : data && data.session_id;
        if (!id) return;
        if (id !== state.sessionId) {
          state.sessionId = id;
          state.sessionSecret = (data && typeof data.session_secret === "string") ? data.session_secret : null;
          saveState();
        }
        confirmed = true;
        flush();
      });
      socket.on("bot_uttered", onBotMessage);
      socket.on("disconnect", function () { confirmed = false; setStatus("Reconnecting\u2026"); });
      socket.on("connect_error", function () { setStatus("Cannot reach the assistant. Retrying\u2026"); });
    });
  }

  // ---------------------------------------------------------- open/close
  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    saveState();
    connect();
    render();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    launcher.focus();
  }

  function reset() {
    state = { sessionId: null, sessionSecret: null, messages: [], open: !panel.hidden };
    saveState();
    hideTyping();
    outbox = [];
    if (socket && socket !== "loading") {
      // A new socket id leaves the old session's room; `connect` then asks for a new session.
      confirmed = false;
      socket.disconnect();
      socket.connect();
    }
    render();
    input.focus();
  }

  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  resetButton.addEventListener("click", reset);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendToBot(text);
  });

  function mount() {
    document.body.appendChild(host);
    render();
    if (state.open || config.startOpen) open();
    else if (state.sessionId) connect(); // replies to an ongoing conversation still arrive
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.RefundDeskWidget = {
    version: VERSION,
    open: open,
    close: close,
    reset: reset,
    send: function (text) { if (text) sendToBot(String(text)); },
    setMetadata: function (values) {
      for (var k in values) if (Object.prototype.hasOwnProperty.call(values, k)) extraMetadata[k] = values[k];
    },
    setCustomerEmail: function (email) { config.customerEmail = email || ""; },
  };
})();
