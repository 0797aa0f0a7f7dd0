// Live chat. Include on any page:
//   <script src="https://YOUR-DESK/widget.js" defer></script>
// It talks to the desk it was loaded from. Nothing here trusts the host page's data:
// every text is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.WebSocket) { return; }
  var config = /*CONFIG*/{};
  var brandColour = config.primary || "#0b5ed7"; // the company's colour (the admin centre checks it carries white text)
  var base = new URL(script.src, location.href);
  var socketUrl = (base.protocol === "https:" ? "wss://" : "ws://") + base.host + "/ws/chat";
  var storageKey = "sameside-chat:" + base.host;
  var socket = null;

  function el(tag, props, style) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node[k] = props[k]; });
    Object.keys(style || {}).forEach(function (k) { node.style[k] = style[k]; });
    return node;
  }
  var font = "16px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif";
  var open = el("button", { type: "button", textContent: "Chat with a person" }, {
    position: "fixed", right: "1rem", bottom: "1rem", zIndex: 2147483000, font: font, padding: ".6rem 1rem",
    border: "0", borderRadius: "999px", background: brandColour, color: "#fff", cursor: "pointer"
  });
  open.setAttribute("aria-expanded", "false");
  // Inside any screen: never wider than the viewport less a margin, never taller; it scrolls within.
  var panel = el("section", { hidden: true, id: "sameside-chat" }, {
    position: "fixed", right: ".5rem", bottom: "4.5rem", zIndex: 2147483000, width: "22rem", maxWidth: "calc(100vw - 1rem)",
    maxHeight: "calc(100vh - 5.5rem)", overflowY: "auto", boxSizing: "border-box",
    background: "#fff", color: "#1d2330", border: "1px solid #d9dde5", borderRadius: "10px", font: font,
    boxShadow: "0 8px 24px rgba(0,0,0,.15)", padding: ".75rem"
  });
  panel.setAttribute("aria-label", "Chat with a person");
  open.setAttribute("aria-controls", "sameside-chat");
  var head = el("div", {}, { display: "flex", alignItems: "center", justifyContent: "space-between", gap: ".5rem", margin: "0 0 .5rem" });
  var title = el("h2", { textContent: config.name ? "Chat with " + config.name : "Chat with a person" }, { font: "600 1.05rem/1.3 system-ui, sans-serif", margin: "0" });
  var close = el("button", { type: "button", textContent: "\u00d7" }, {
    font: "600 1.3rem/1 system-ui, sans-serif", minWidth: "2rem", minHeight: "2rem", border: "0", borderRadius: "6px",
    background: "#eef1f6", color: "#1d2330", cursor: "pointer"
  });
  close.setAttribute("aria-label", "Close the chat");
  head.append(title, close);
  var greeting = el("p", { textContent: config.greeting || "" }, { margin: "0 0 .5rem" });
  greeting.hidden = !config.greeting;
  var log = el("div", {}, { margin: "0 0 .5rem", maxHeight: "16rem", overflowY: "auto" });
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.tabIndex = 0; // a long conversation scrolls: keyboard users reach it too
  var status = el("p", {}, { margin: "0 0 .5rem", color: "#5b6475", fontSize: ".9rem" });
  status.setAttribute("role", "status");
  var form = el("form", {}, { display: "grid", gap: ".4rem" });
  var call = el("form", {}, { display: "none", gap: ".4rem", marginTop: ".6rem" });
  var booked = "";
  var proof = el("p", { hidden: true }, { margin: "0 0 .5rem", fontSize: ".9rem", padding: ".35rem .5rem", background: "#fff6d6", borderRadius: "6px" });
  var verified = true;
  var sayInput = null;
  var lastSaid = "";
  panel.append(head, greeting, proof, log, status, form, call);
  document.body.append(open, panel);

  function field(label, name, type) {
    var wrap = el("label", { textContent: label }, { display: "grid", gap: ".2rem", fontWeight: "600" });
    var input = el(type === "textarea" ? "textarea" : "input", { name: name, required: true }, {
      font: font, padding: ".4rem", border: "1px solid #b9c0cc", borderRadius: "6px", width: "100%", boxSizing: "border-box"
    });
    if (type !== "textarea") { input.type = type; }
    wrap.append(input);
    return { wrap: wrap, input: input };
  }
  function button(text) {
    return el("button", { type: "submit", textContent: text }, {
      font: font, padding: ".45rem .9rem", border: "0", borderRadius: "6px", background: brandColour, color: "#fff"
    });
  }

  // ---------------------------------------------------------------- articles beside what is being written
  // The help centre's own suggestions (GET /help/suggest, the portal's too), shown under the send button so
  // they never stand between the words and sending them. The fragment is only read here: each title, snippet
  // and address is copied with textContent, and only links to our own articles are kept.
  var readBefore = []; // articles opened before the chat started: sent with it, to count "read, still wrote"

  function articleId(url) {
    var m = /^\/help\/articles\/(\d+)(\/|$)/.exec(url.pathname);
    return url.origin === base.origin && m ? Number(m[1]) : 0;
  }

  function drawAnswers(box, html) {
    var found = new DOMParser().parseFromString(html, "text/html").querySelectorAll("#answers-beside li");
    var items = [];
    Array.prototype.forEach.call(found, function (li) {
      var a = li.querySelector("a");
      if (!a) { return; }
      var url = new URL(a.getAttribute("href") || "", base);
      var id = articleId(url);
      if (!id) { return; }
      var item = el("li", {}, { margin: "0 0 .35rem" });
      var link = el("a", { href: url.href, target: "_blank", rel: "noopener", textContent: a.textContent.trim() }, {
        color: "#0b4fa8", fontWeight: "600", overflowWrap: "anywhere", display: "inline-block", minHeight: "24px"
      });
      link.append(el("span", { textContent: " (opens in a new tab)" }, { fontWeight: "400", fontSize: ".85rem" }));
      link.addEventListener("click", function () {
        if (!socket && readBefore.indexOf(id) < 0) { readBefore.push(id); }
      });
      item.append(link);
      var snippet = li.querySelector("p");
      if (snippet && snippet.textContent.trim()) {
        item.append(el("p", { textContent: snippet.textContent.trim() }, { margin: ".1rem 0 0", color: "#5b6475", overflowWrap: "anywhere" }));
      }
      items.push(item);
    });
    if (!items.length) { box.replaceChildren(); return; }
    var list = el("ul", {}, { margin: "0", padding: "0 0 0 1.1rem" });
    list.append.apply(list, items);
    box.replaceChildren(
      el("h3", { textContent: "These may answer it" }, { font: "600 .95rem/1.3 system-ui, sans-serif", margin: ".3rem 0 .2rem" }),
      list,
      el("p", { textContent: "You can still send your message: a person will answer it." }, { margin: ".2rem 0 0", color: "#5b6475" })
    );
  }

  function answersBeside(input) {
    var box = el("div", { id: "sameside-chat-answers" }, { fontSize: ".9rem", minWidth: "0" });
    box.setAttribute("aria-live", "polite");
    var timer = null;
    var asked = "";
    var asking = 0; // only the newest question's answer is drawn
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim().slice(0, 2000);
        if (text === asked) { return; }
        asked = text;
        var mine = ++asking;
        if (text.split(/\s+/).length < 3) { box.replaceChildren(); return; } // too little to go on
        fetch(base.origin + "/help/suggest?" + new URLSearchParams({ q: text }), { credentials: "omit" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { if (mine === asking) { drawAnswers(box, html); } })
          .catch(function () { /* no suggestions this time; sending is untouched */ });
      }, 400);
    });
    return box;
  }

  function showStartForm() {
    sayInput = null;
    form.replaceChildren();
    var name = field("Your name", "name", "text");
    var email = field("Your email (for our answer if you leave)", "email", "email");
    var message = field("How can we help?", "message", "textarea");
    form.append(name.wrap, email.wrap, message.wrap, button("Start chat"), answersBeside(message.input));
    form.onsubmit = function (event) {
      event.preventDefault();
      connect({ start: { name: name.input.value, email: email.input.value, message: message.input.value, read: readBefore.slice() } });
    };
  }

  function showSayForm() {
    form.replaceChildren();
    var message = field("Your message", "say", "textarea");
    message.input.required = false; // a file alone may go
    var limits = "Up to " + (config.max_files || 10) + " files, " + (config.max_file_mb || 25) + " MB each; programs are refused.";
    var pick = el("label", { textContent: "Attach files" }, { display: "grid", gap: ".2rem", fontWeight: "600" });
    var files = el("input", { type: "file", name: "files", multiple: true, id: "sameside-chat-files" }, {
      font: ".9rem/1.4 system-ui, sans-serif", maxWidth: "100%", minHeight: "24px"
    });
    var hint = el("span", { textContent: limits, id: "sameside-chat-files-hint" }, { fontWeight: "400", fontSize: ".85rem", color: "#5b6475" });
    files.setAttribute("aria-describedby", "sameside-chat-files-hint sameside-chat-files-problem");
    pick.append(hint, files);
    // What happened to the files shows here, under the button the visitor used.
    var problem = el("p", { id: "sameside-chat-files-problem" }, { margin: "0", color: "#a4262c", fontSize: ".9rem" });
    problem.setAttribute("role", "alert");
    var send = button("Send");
    form.append(message.wrap, pick, problem, send, answersBeside(message.input));
    form.onsubmit = function (event) {
      event.preventDefault();
      var text = message.input.value;
      if (files.files && files.files.length) {
        sendFiles(text, files, message.input, problem, send);
        return;
      }
      if (!text.trim() || !socket) { return; }
      problem.textContent = "";
      lastSaid = text;
      socket.send(JSON.stringify({ say: lastSaid }));
      message.input.value = "";
      message.input.dispatchEvent(new Event("input")); // what was suggested for it goes with it
    };
    sayInput = message.input;
  }

  // Keep a message in sight where the visitor acted; the line and queue arriving next may move it down.
  var revealing = null;
  function reveal(node) {
    revealing = node;
    node.scrollIntoView({ block: "nearest" });
    setTimeout(function () { if (revealing === node) { revealing = null; } }, 3000);
  }

  function sendFiles(text, files, textInput, problem, send) {
    var token = localStorage.getItem(storageKey);
    if (!token) { return; }
    var body = new FormData();
    body.append("token", token);
    body.append("say", text);
    Array.prototype.forEach.call(files.files, function (f) { body.append("files", f, f.name); });
    send.disabled = true;
    problem.textContent = "";
    status.textContent = "Sending\u2026";
    fetch(base.origin + "/chat/files", { method: "POST", body: body, credentials: "omit" })
      .then(function (r) { return r.json().catch(function () { return { detail: "" }; }).then(function (a) { return { ok: r.ok, status: r.status, a: a }; }); })
      .then(function (res) {
        status.textContent = "";
        if (res.ok) {
          // Sent: what typed went with the files that passed; the refused ones are named here.
          textInput.value = "";
          files.value = "";
          problem.textContent = res.a.detail || "";
          if (problem.textContent) { reveal(problem); }
        } else {
          // Nothing went: the words and the chosen files stay, to send again.
          problem.textContent = res.a.detail || (res.status === 413 ?
            "That is too much to send at once; send fewer files, or smaller ones." : "The files could not be sent; try again.");
          reveal(problem);
        }
      })
      .catch(function () { status.textContent = ""; problem.textContent = "The files could not be sent (too large, or the connection dropped); try again."; reveal(problem); })
      .then(function () { send.disabled = false; });
  }

  function showProof(isVerified, address) {
    verified = isVerified;
    if (isVerified) { proof.hidden = true; return; }
    if (address) {
      proof.textContent = "We have emailed a link to " + address + ". Follow it to confirm it is you: this chat then joins your account, and you can read it in your portal.";
    } else if (!proof.textContent) {
      proof.textContent = "Not confirmed yet: follow the link we emailed you, and this chat joins your account.";
    }
    proof.hidden = false;
  }

  function sizeWords(size) {
    if (size >= 1048576) { return (size / 1048576).toFixed(1).replace(/\.0$/, "") + " MB"; }
    return size >= 1024 ? Math.round(size / 1024) + " KB" : size + " bytes";
  }

  function addLine(line) {
    var item = el("div", {}, { margin: "0 0 .4rem", textAlign: line.mine ? "right" : "left" });
    var who = el("strong", { textContent: line.author + (line.automatic ? " (automatic)" : "") }, { display: "block", fontSize: ".85rem" });
    var body = el("span", { textContent: line.body }, {
      display: "inline-block", whiteSpace: "pre-wrap", padding: ".35rem .6rem", borderRadius: "8px",
      background: line.mine ? "#dcebff" : "#eef1f6", maxWidth: "100%", boxSizing: "border-box", overflowWrap: "anywhere"
    });
    item.append(who, body);
    (line.files || []).forEach(function (f) {
      // Only PNG, JPEG, GIF and WebP come with a preview link; everything else is a download.
      var url = new URL(f.url, base).href;
      var file = el("div", {}, { margin: ".25rem 0 0", fontSize: ".9rem" });
      if (f.preview_url) {
        var thumb = el("a", { href: url }, { display: "block" });
        var img = el("img", { src: new URL(f.preview_url, base).href, alt: f.filename }, {
          maxWidth: "100%", maxHeight: "10rem", borderRadius: "6px", border: "1px solid #d9dde5"
        });
        img.addEventListener("load", function () { // the picture grew the log
          log.scrollTop = log.scrollHeight;
          if (revealing) { revealing.scrollIntoView({ block: "nearest" }); }
        });
        thumb.append(img);
        file.append(thumb);
      }
      var link = el("a", { href: url, textContent: f.filename }, { color: "#0b4fa8", overflowWrap: "anywhere" });
      link.setAttribute("download", "");
      file.append(link, el("span", { textContent: " (" + sizeWords(f.size) + ")" }, { color: "#5b6475" }));
      item.append(file);
    });
    if (line.refused && line.refused.length) {
      item.append(el("span", { textContent: "Not attached: " + line.refused.join("; ") + "." }, {
        display: "block", fontSize: ".85rem", color: "#a4262c", margin: ".2rem 0 0"
      }));
    }
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  function showCallback(q) {
    if (booked || q.people_online || !q.callback_slots || !q.callback_slots.length) { call.style.display = "none"; return; }
    if (call.style.display !== "none") { return; }
    call.replaceChildren();
    var heading = el("p", { textContent: "Or book a call with a person (times in " + q.callback_zone + "):" }, { margin: "0", fontWeight: "600" });
    var phone = field("Your phone number", "phone", "tel");
    var wrap = el("label", { textContent: "When" }, { display: "grid", gap: ".2rem", fontWeight: "600" });
    var when = el("select", { name: "slot" }, { font: font, padding: ".4rem", border: "1px solid #b9c0cc", borderRadius: "6px", maxWidth: "100%" });
    q.callback_slots.forEach(function (slot) { when.append(el("option", { value: slot.value, textContent: slot.label })); });
    wrap.append(when);
    call.append(heading, phone.wrap, wrap, button("Book a call"));
    call.onsubmit = function (event) {
      event.preventDefault();
      if (socket) { socket.send(JSON.stringify({ callback: { slot: when.value, phone: phone.input.value } })); }
    };
    call.style.display = "grid";
  }

  function showQueue(q) {
    showCallback(q);
    var text = "";
    // Only what is true: a place and an estimate only while someone online is working the queue.
    if (q.person) {
      text = q.person + " has your chat.";
    } else if (q.people_online && q.position > 0) {
      text = "You are number " + q.position + " in the queue. ";
      text += q.typical_seconds ? "Lately a person has answered within about " + Math.max(1, Math.round(q.typical_seconds / 60)) + " min." :
        "We cannot give an honest estimate of the wait yet.";
    }
    if (booked) {
      text += (text ? " " : "") + booked;
    } else if (!q.people_online) {
      text += (text ? " " : "") + (verified ?
        "Nobody is online right now. Leave your message: it is safe with us, and a person will answer by email" +
          (q.callback_slots && q.callback_slots.length ? " — or book a call below." : ".") :
        "Nobody is online right now: your message is safe with us. A person will answer here, and in your portal once you have followed the link we emailed you" +
          (q.callback_slots && q.callback_slots.length ? " — or book a call below." : "."));
    }
    status.textContent = text;
    if (revealing) { revealing.scrollIntoView({ block: "nearest" }); }
  }

  function connect(first) {
    socket = new WebSocket(socketUrl);
    socket.onopen = function () { socket.send(JSON.stringify(first)); };
    socket.onmessage = function (event) {
      var m;
      try { m = JSON.parse(event.data); } catch (e) { return; }
      if (m.type === "started") { readBefore = []; localStorage.setItem(storageKey, m.token); showProof(m.verified, m.confirm_to); showSayForm(); }
      else if (m.type === "line") { addLine(m); if (first.resume && !sayInput) { showSayForm(); } }
      else if (m.type === "queue") { showProof(m.verified, null); showQueue(m); if (first.resume && !sayInput) { showSayForm(); } }
      else if (m.type === "slow_down") {
        // The socket stays open; what they wrote is put back for them to send again.
        if (sayInput && !sayInput.value) { sayInput.value = lastSaid; }
        status.textContent = m.detail;
      }
      else if (m.type === "callback") {
        booked = "Booked: a person will call you " + m.when + ".";
        call.style.display = "none";
        status.textContent = booked;
      }
      else if (m.type === "expired") {
        localStorage.removeItem(storageKey); log.replaceChildren(); proof.textContent = ""; proof.hidden = true; showStartForm();
      }
      else if (m.type === "error") { status.textContent = m.detail; }
    };
    socket.onclose = function () {
      var token = localStorage.getItem(storageKey);
      if (token) { setTimeout(function () { log.replaceChildren(); connect({ resume: token }); }, 2000); }
    };
  }

  function setOpen(shown) {
    panel.hidden = !shown;
    open.setAttribute("aria-expanded", shown ? "true" : "false");
    open.textContent = shown ? "Hide the chat" : "Chat with a person";
    if (shown && !socket) {
      var token = localStorage.getItem(storageKey);
      if (token) { connect({ resume: token }); } else if (!form.firstChild) { showStartForm(); }
    }
    if (shown) { close.focus(); } else { open.focus(); }
  }
  open.onclick = function () { setOpen(panel.hidden); };
  close.onclick = function () { setOpen(false); };
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { setOpen(false); } });
})();
