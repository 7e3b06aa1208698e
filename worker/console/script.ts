/**
 * The console's script (served as /console/app.js): vanilla JS, no build step, no eval, no
 * inline handlers; the DOM is built with textContent only (docs/console.md). Kept free of
 * template literals so that it can live in this string module.
 */
export const SCRIPT = String.raw`(function () {
  "use strict";
  var TOKEN_KEY = "edgekv-console-token";
  var POLL_MS = 3000;
  var SAMPLES = 60;
  var PAGE = 100;
  var state = { token: null, readOnly: false, view: "keys", timer: null, samples: [], rules: [], metrics: false, history: [], histPos: 0 };
  var root = document.getElementById("app");

  // ---- DOM helpers -------------------------------------------------------------------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "text") e.textContent = v;
      else if (k === "onclick") e.addEventListener("click", v);
      else if (k === "onsubmit") e.addEventListener("submit", function (ev) { ev.preventDefault(); v(ev); });
      else e.setAttribute(k, v === true ? "" : String(v));
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }

  // ---- bytes ---------------------------------------------------------------------------
  var utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }); // a leading BOM is a byte of the value, kept
  function b64Bytes(s) {
    var bin = atob(s);
    var a = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
    return a;
  }
  /** A bulk string from the API (base64): its text, or {binary: bytes} when it is not UTF-8. */
  function decodeString(s) {
    var bytes = b64Bytes(s);
    try { return utf8.decode(bytes); } catch (e) { return { binary: bytes }; }
  }
  function decode(v) {
    if (typeof v === "string") return decodeString(v);
    if (Array.isArray(v)) return v.map(decode);
    return v;
  }
  function isBinary(v) { return v !== null && typeof v === "object" && v.binary instanceof Uint8Array; }
  function bytesB64(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, Array.prototype.slice.call(bytes.subarray(i, i + 0x8000)));
    return btoa(bin);
  }
  /** A command's argument as the API takes it: text, or {"base64": …} for bytes that are not UTF-8 (a key, a value). */
  function arg(a) { return isBinary(a) ? { base64: bytesB64(a.binary) } : String(a); }
  function hexOf(bytes) {
    var out = "";
    bytes.forEach(function (b) { out += (b < 16 ? "0" : "") + b.toString(16); });
    return out;
  }
  /** Hex digits (spaces and line breaks ignored) → the bytes as an argument: text when UTF-8, else {binary}; null when not hex. */
  function fromHex(s) {
    var t = s.replace(/\s+/g, "");
    if (!/^([0-9a-fA-F]{2})*$/.test(t)) return null;
    var bytes = new Uint8Array(t.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(t.substr(2 * i, 2), 16);
    try { return utf8.decode(bytes); } catch (e) { return { binary: bytes }; }
  }
  /** Printable form of a value: text as is, bytes as \xNN escapes of the non-printable ones. */
  function shown(v) {
    if (isBinary(v)) {
      var out = "";
      v.binary.forEach(function (b) {
        out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : "\\x" + (b < 16 ? "0" : "") + b.toString(16);
      });
      return out;
    }
    return v === null || v === undefined ? "(nil)" : String(v);
  }
  function hexDump(bytes) {
    var lines = [];
    for (var i = 0; i < bytes.length && i < 4096; i += 16) {
      var hex = "", asc = "";
      for (var j = i; j < i + 16; j++) {
        if (j < bytes.length) {
          var b = bytes[j];
          hex += (b < 16 ? "0" : "") + b.toString(16) + " ";
          asc += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
        } else hex += "   ";
      }
      lines.push(("0000000" + i.toString(16)).slice(-8) + "  " + hex + " " + asc);
    }
    if (bytes.length > 4096) lines.push("… " + (bytes.length - 4096) + " more bytes");
    return lines.join("\n");
  }

  // ---- the API -------------------------------------------------------------------------
  function AuthError(message) { this.message = message; }
  /** One pipeline; resolves to one {ok, value} or {ok: false, error} per command. */
  function run(cmds, token) {
    return fetch("/pipeline", {
      method: "POST",
      headers: { authorization: "Bearer " + (token || state.token), "upstash-encoding": "base64", "content-type": "application/json" },
      body: JSON.stringify(cmds.map(function (c) { return c.map(arg); })),
    }).then(function (res) {
      if (res.status === 401) throw new AuthError("wrong token");
      return res.json().then(function (body) {
        if (!Array.isArray(body)) throw new Error(body && body.error ? body.error : "unexpected reply (" + res.status + ")");
        return body.map(function (entry) {
          if (entry && typeof entry.error === "string") return { ok: false, error: entry.error };
          var r = entry ? entry.result : null;
          return { ok: true, value: r === "OK" ? "OK" : decode(r) };
        });
      });
    });
  }
  function one(cmd) {
    return run([cmd]).then(function (r) {
      if (!r[0].ok) throw new Error(r[0].error);
      return r[0].value;
    });
  }
  function fail(e) {
    if (e instanceof AuthError) { signOut(); return; }
    flash(e && e.message ? e.message : String(e), true);
  }
  function flash(text, error) {
    var f = document.getElementById("flash");
    if (!f) return;
    f.textContent = text;
    f.className = error ? "flash error" : "flash";
  }

  // ---- sign-in -------------------------------------------------------------------------
  /** PING checks the token; SETRANGE with an empty value changes nothing, and the read-only token is refused it with NOPERM. */
  function probe(token) {
    return run([["PING"], ["SETRANGE", "edgekv:console:probe", "0", ""]], token).then(function (r) {
      if (!r[0].ok) throw new Error(r[0].error);
      return { readOnly: !r[1].ok && /^NOPERM/.test(r[1].error) };
    });
  }
  function signIn(token) {
    return probe(token).then(function (p) {
      state.token = token;
      state.readOnly = p.readOnly;
      sessionStorage.setItem(TOKEN_KEY, token);
      renderApp();
    });
  }
  function signOut() {
    stopPolling();
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    renderSignIn("");
  }
  function renderSignIn(message) {
    var input = el("input", { type: "password", id: "token", placeholder: "token", autocomplete: "off", required: true });
    var msg = el("p", { id: "signin-error", class: "error", text: message || "" });
    clear(root).appendChild(el("form", { id: "signin", class: "signin", onsubmit: function () {
      msg.textContent = "";
      signIn(input.value.trim()).catch(function (e) { msg.textContent = e && e.message ? e.message : String(e); });
    } }, [el("h1", { text: "edgekv console" }), input, el("button", { type: "submit", id: "signin-button", text: "Sign in" }), msg]));
    input.focus();
  }

  // ---- the frame -----------------------------------------------------------------------
  var VIEWS = [["keys", "Keys"], ["console", "Console"], ["charts", "Charts"], ["slowlog", "Slow log"]];
  function renderApp() {
    var nav = el("nav", null, VIEWS.map(function (v) {
      return el("button", { type: "button", "data-view": v[0], class: state.view === v[0] ? "active" : "", text: v[1], onclick: function () { show(v[0]); } });
    }).concat([
      state.readOnly ? el("span", { class: "badge", id: "readonly-badge", text: "read-only" }) : null,
      el("button", { type: "button", id: "signout", class: "right", text: "Sign out", onclick: signOut }),
    ]));
    clear(root).appendChild(el("header", null, [el("strong", { text: "edgekv" }), nav]));
    root.appendChild(el("div", { id: "flash", class: "flash" }));
    root.appendChild(el("main", { id: "view" }));
    show(state.view);
  }
  function show(view) {
    state.view = view;
    stopPolling();
    Array.prototype.forEach.call(root.querySelectorAll("nav button[data-view]"), function (b) {
      b.className = b.getAttribute("data-view") === view ? "active" : "";
    });
    flash("");
    var main = clear(document.getElementById("view"));
    main.setAttribute("data-view", view);
    if (view === "keys") keysView(main);
    else if (view === "console") consoleView(main);
    else if (view === "charts") chartsView(main);
    else slowlogView(main);
  }

  // ---- keys ----------------------------------------------------------------------------
  var TYPES = ["", "string", "hash", "list", "set", "zset", "stream"];
  function keysView(main) {
    var pattern = el("input", { id: "scan-match", value: "*", placeholder: "MATCH pattern" });
    var type = el("select", { id: "scan-type" }, TYPES.map(function (t) { return el("option", { value: t, text: t || "any type" }); }));
    var count = el("input", { id: "scan-count", type: "number", min: "1", value: String(PAGE) });
    var body = el("tbody");
    var more = el("button", { type: "button", id: "scan-more", text: "Load more", hidden: true });
    var detail = el("section", { id: "detail", class: "detail" }, [el("p", { class: "muted", text: "Select a key." })]);
    var cursor = "0";
    var table = el("table", { id: "keys-table", "data-state": "loading" }, [el("thead", null, [el("tr", null, [el("th", { text: "key" }), el("th", { text: "type" }), el("th", { text: "TTL" })])]), body]);
    function page(reset) {
      if (reset) { cursor = "0"; clear(body); }
      table.setAttribute("data-state", "loading");
      var cmd = ["SCAN", cursor, "MATCH", pattern.value || "*", "COUNT", count.value || PAGE];
      if (type.value) cmd.push("TYPE", type.value);
      one(cmd).then(function (reply) {
        cursor = shown(reply[0]);
        var keys = reply[1];
        more.hidden = cursor === "0";
        if (keys.length === 0) return [];
        var cmds = [];
        keys.forEach(function (k) { cmds.push(["TYPE", k], ["PTTL", k]); });
        return run(cmds).then(function (r) {
          keys.forEach(function (k, n) {
            var t = r[2 * n].ok ? r[2 * n].value : "?", ttl = r[2 * n + 1].ok ? ttlText(r[2 * n + 1].value) : "";
            // A key that is not UTF-8: shown with \xNN escapes, its bytes (hex) in data-hex.
            body.appendChild(el("tr", { class: "key-row", "data-key": shown(k), "data-hex": isBinary(k) ? hexOf(k.binary) : null }, [
              el("td", null, [el("a", { href: "#", class: "key-link", text: shown(k), onclick: function (ev) { ev.preventDefault(); openKey(detail, k, reload); } })]),
              el("td", { text: t }),
              el("td", { text: ttl }),
            ]));
          });
        });
      }).catch(fail).then(function () { table.setAttribute("data-state", "ready"); });
    }
    function reload() { page(true); }
    more.addEventListener("click", function () { page(false); });
    main.appendChild(el("div", { class: "split" }, [
      el("section", { class: "keys" }, [
        el("form", { id: "scan-form", class: "row", onsubmit: reload }, [pattern, type, count, el("button", { type: "submit", id: "scan-button", text: "Scan" })]),
        state.readOnly ? null : newKeyForm(reload),
        table,
        more,
      ]),
      detail,
    ]));
    reload();
  }
  function ttlText(ms) {
    if (ms === -1) return "none";
    if (ms === -2) return "gone";
    return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + " s";
  }
  function newKeyForm(done) {
    var key = el("input", { id: "new-key", placeholder: "new string key" });
    var value = el("input", { id: "new-value", placeholder: "value" });
    return el("form", { id: "new-form", class: "row edit", onsubmit: function () {
      if (!key.value) return;
      one(["SET", key.value, value.value, "NX"]).then(function (r) {
        flash(r === null ? "the key exists" : "created " + key.value, r === null);
        done();
      }).catch(fail);
    } }, [key, value, el("button", { type: "submit", text: "Create" })]);
  }

  /** The key's view: its type's content (a page at a time) and, read-write, its edit controls. */
  function openKey(detail, key, changed) {
    run([["TYPE", key], ["PTTL", key]]).then(function (r) {
      var type = r[0].ok ? r[0].value : "none";
      var ttl = r[1].ok ? r[1].value : -2;
      clear(detail).setAttribute("data-type", type);
      detail.appendChild(el("h2", { id: "detail-key", text: shown(key) }));
      if (isBinary(key)) detail.appendChild(el("p", { class: "muted", id: "detail-key-hex", text: "not UTF-8; its bytes (hex): " + hexOf(key.binary) }));
      detail.appendChild(el("p", { class: "muted", id: "detail-meta", text: type + " · TTL " + ttlText(ttl) }));
      var content = el("div", { id: "detail-content" });
      if (!state.readOnly && type !== "none") detail.appendChild(keyControls(detail, key, changed));
      detail.appendChild(content);
      var reopen = function () { openKey(detail, key, changed); };
      if (type === "string") stringView(content, key, reopen);
      else if (type === "hash") scanView(content, key, "HSCAN", "HLEN", 2, reopen);
      else if (type === "set") scanView(content, key, "SSCAN", "SCARD", 1, reopen);
      else if (type === "list") rangeView(content, key, "list", reopen);
      else if (type === "zset") rangeView(content, key, "zset", reopen);
      else if (type === "stream") streamView(content, key, reopen);
      else content.appendChild(el("p", { class: "muted", text: type === "none" ? "The key does not exist." : "No view for " + type + "." }));
    }).catch(fail);
  }
  function keyControls(detail, key, changed) {
    var name = el("input", { id: "rename-to", placeholder: "new name" });
    // The new name as hex digits: how to name a key that is not UTF-8.
    var nameHex = el("input", { type: "checkbox", id: "rename-hex" });
    var ttl = el("input", { id: "ttl-seconds", type: "number", min: "1", placeholder: "seconds" });
    var del = el("button", { type: "button", id: "delete-key", class: "danger", text: "Delete" });
    del.addEventListener("click", function () {
      if (del.getAttribute("data-armed") !== "1") { del.setAttribute("data-armed", "1"); del.textContent = "Confirm delete"; return; }
      one(["DEL", key]).then(function () { flash("deleted " + shown(key)); clear(detail).appendChild(el("p", { class: "muted", text: "Deleted." })); changed(); }).catch(fail);
    });
    return el("div", { class: "controls edit" }, [
      el("form", { id: "rename-form", class: "row", onsubmit: function () {
        if (!name.value) return;
        var to = nameHex.checked ? fromHex(name.value) : name.value;
        if (to === null || to === "") { flash("the new name is not hex: two digits a byte (spaces ignored)", true); return; }
        one(["RENAMENX", key, to]).then(function (r) {
          if (r === 0) { flash("a key named " + shown(to) + " exists", true); return; }
          flash("renamed to " + shown(to)); changed(); openKey(detail, to, changed);
        }).catch(fail);
      } }, [name, el("label", { class: "check", title: "the new name as hex digits, two a byte" }, [nameHex, "hex"]), el("button", { type: "submit", text: "Rename" })]),
      el("form", { id: "ttl-form", class: "row", onsubmit: function () {
        var s = Number(ttl.value);
        if (!(s > 0)) return;
        one(["PEXPIRE", key, Math.round(s * 1000)]).then(function () { changed(); openKey(detail, key, changed); }).catch(fail);
      } }, [ttl, el("button", { type: "submit", text: "Set TTL" }),
        el("button", { type: "button", id: "persist", text: "Persist", onclick: function () { one(["PERSIST", key]).then(function () { changed(); openKey(detail, key, changed); }).catch(fail); } })]),
      del,
    ]);
  }
  /** The largest value the hex editor takes (its text is 3 characters a byte). */
  var HEX_EDIT_BYTES = 65536;
  /** Bytes as hex digits, 16 a line, a space between bytes. */
  function hexLines(bytes) {
    var lines = [];
    for (var i = 0; i < bytes.length; i += 16) lines.push(Array.prototype.map.call(bytes.subarray(i, i + 16), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join(" "));
    return lines.join("\n");
  }
  /** Read-write: the value's bytes as hex digits to edit; saved with SET key value KEEPTTL (as {"base64"} when not UTF-8). */
  function hexEditor(content, key, bytes, reopen) {
    if (bytes.length > HEX_EDIT_BYTES) {
      content.appendChild(el("p", { class: "muted edit", id: "string-hex-too-large", text: "Values over " + HEX_EDIT_BYTES + " bytes are not edited here (use the console)." }));
      return;
    }
    var area = el("textarea", { id: "string-hex", class: "hex", rows: "8", spellcheck: "false" });
    area.value = hexLines(bytes);
    content.appendChild(el("form", { id: "string-hex-form", class: "edit", onsubmit: function () {
      var value = fromHex(area.value);
      if (value === null) { flash("not hex: two digits (0-9, a-f) a byte; spaces and line breaks are ignored", true); return; }
      one(["SET", key, value, "KEEPTTL"]).then(function () { flash("saved"); reopen(); }).catch(fail);
    } }, [
      el("label", { for: "string-hex", class: "muted", text: "Bytes as hex: two digits a byte; spaces and line breaks are ignored. Save keeps the TTL." }),
      area,
      el("button", { type: "submit", id: "string-hex-save", text: "Save bytes" }),
    ]));
  }
  function stringView(content, key, reopen) {
    run([["GET", key], ["STRLEN", key]]).then(function (r) {
      var v = r[0].value;
      content.appendChild(el("p", { class: "muted", text: (r[1].value || 0) + " bytes" + (isBinary(v) ? ", binary (not UTF-8)" : "") }));
      if (isBinary(v)) {
        content.appendChild(el("pre", { id: "string-value", class: "binary", text: hexDump(v.binary) }));
        if (!state.readOnly) hexEditor(content, key, v.binary, reopen);
        return;
      }
      var text = v === null ? "" : v, pretty = null;
      try { var parsed = JSON.parse(text); if (parsed !== null && typeof parsed === "object") pretty = JSON.stringify(parsed, null, 2); } catch (e) { pretty = null; }
      content.appendChild(el("pre", { id: "string-value", class: pretty ? "json" : "", text: pretty || text }));
      if (state.readOnly) return;
      var area = el("textarea", { id: "string-edit", rows: "6" });
      area.value = text;
      var asHex = el("button", { type: "button", id: "string-as-hex", text: "Edit as hex", onclick: function () {
        form.parentNode.removeChild(form);
        hexEditor(content, key, new TextEncoder().encode(area.value), reopen);
      } });
      var form = el("form", { id: "string-form", class: "edit", onsubmit: function () {
        one(["SET", key, area.value, "KEEPTTL"]).then(function () { flash("saved"); reopen(); }).catch(fail);
      } }, [area, el("button", { type: "submit", id: "string-save", text: "Save" }), asHex]);
      content.appendChild(form);
    }).catch(fail);
  }
  /** Hashes (2 per entry: field, value) and sets (1: member), HSCAN/SSCAN a page at a time. */
  function scanView(content, key, scan, len, per, reopen) {
    var body = el("tbody");
    var more = el("button", { type: "button", class: "more", text: "Load more", hidden: true });
    var cursor = "0";
    var hash = per === 2;
    function remove(item) {
      one([hash ? "HDEL" : "SREM", key, item]).then(reopen).catch(fail);
    }
    function page() {
      run([[scan, key, cursor, "COUNT", PAGE], [len, key]]).then(function (r) {
        if (!r[0].ok) throw new Error(r[0].error);
        cursor = shown(r[0].value[0]);
        more.hidden = cursor === "0";
        var items = r[0].value[1];
        for (var i = 0; i < items.length; i += per) {
          var item = items[i], value = hash ? items[i + 1] : null;
          var row = el("tr", { class: "item" }, [el("td", { text: shown(item) }), hash ? el("td", { text: shown(value) }) : null]);
          if (!state.readOnly) row.appendChild(el("td", { class: "edit" }, [el("button", { type: "button", class: "danger small", text: "✕", title: "remove", onclick: remove.bind(null, item) })]));
          body.appendChild(row);
        }
        count.textContent = r[1].value + (hash ? " fields" : " members");
      }).catch(fail);
    }
    var count = el("p", { class: "muted" });
    more.addEventListener("click", page);
    content.appendChild(count);
    content.appendChild(el("table", { id: hash ? "hash-table" : "set-table" }, [body]));
    content.appendChild(more);
    if (!state.readOnly) {
      var a = el("input", { id: "item-a", placeholder: hash ? "field" : "member" });
      var b = el("input", { id: "item-b", placeholder: "value" });
      content.appendChild(el("form", { id: "item-form", class: "row edit", onsubmit: function () {
        one(hash ? ["HSET", key, a.value, b.value] : ["SADD", key, a.value]).then(reopen).catch(fail);
      } }, [a, hash ? b : null, el("button", { type: "submit", text: hash ? "Set field" : "Add" })]));
    }
    page();
  }
  /** Lists (index, value) and sorted sets (member, score), LRANGE/ZRANGE a page at a time. */
  function rangeView(content, key, kind, reopen) {
    var body = el("tbody");
    var more = el("button", { type: "button", class: "more", text: "Load more", hidden: true });
    var count = el("p", { class: "muted" });
    var start = 0;
    var zset = kind === "zset";
    function page() {
      var range = zset ? ["ZRANGE", key, start, start + PAGE - 1, "WITHSCORES"] : ["LRANGE", key, start, start + PAGE - 1];
      run([range, [zset ? "ZCARD" : "LLEN", key]]).then(function (r) {
        if (!r[0].ok) throw new Error(r[0].error);
        var items = r[0].value, per = zset ? 2 : 1;
        for (var i = 0; i < items.length; i += per) {
          var member = items[i];
          var row = el("tr", { class: "item" }, zset
            ? [el("td", { text: shown(member) }), el("td", { class: "num", text: shown(items[i + 1]) })]
            : [el("td", { class: "num", text: String(start + i) }), el("td", { text: shown(member) })]);
          if (zset && !state.readOnly) row.appendChild(el("td", { class: "edit" }, [el("button", { type: "button", class: "danger small", text: "✕", title: "remove", onclick: function (m) { return function () { one(["ZREM", key, m]).then(reopen).catch(fail); }; }(member) })]));
          body.appendChild(row);
        }
        start += items.length / per;
        more.hidden = start >= r[1].value;
        count.textContent = r[1].value + (zset ? " members" : " elements");
      }).catch(fail);
    }
    more.addEventListener("click", page);
    content.appendChild(count);
    content.appendChild(el("table", { id: zset ? "zset-table" : "list-table" }, [el("thead", null, [el("tr", null, zset ? [el("th", { text: "member" }), el("th", { text: "score" })] : [el("th", { text: "index" }), el("th", { text: "value" })])]), body]));
    content.appendChild(more);
    if (!state.readOnly) {
      var a = el("input", { id: "item-a", placeholder: zset ? "score" : "index" });
      var b = el("input", { id: "item-b", placeholder: zset ? "member" : "value" });
      content.appendChild(el("form", { id: "item-form", class: "row edit", onsubmit: function () {
        one(zset ? ["ZADD", key, a.value, b.value] : ["LSET", key, a.value, b.value]).then(reopen).catch(fail);
      } }, [a, b, el("button", { type: "submit", text: zset ? "Add" : "Set index" })]));
    }
    page();
  }
  /**
   * Streams: entries (XRANGE, 50 at a time) and consumer groups (XINFO GROUPS); read-write, an
   * entry is added (XADD, "*" or an explicit id, field/value pairs) or deleted (XDEL), and a group
   * created (XGROUP CREATE) or destroyed (XGROUP DESTROY, armed by a first click).
   */
  function streamView(content, key, reopen) {
    var body = el("tbody");
    var more = el("button", { type: "button", class: "more", text: "Load more", hidden: true });
    var count = el("p", { class: "muted" });
    var groups = el("tbody");
    var from = "-";
    var first = true;
    function page() {
      var cmds = [["XRANGE", key, from, "+", "COUNT", 50], ["XLEN", key]];
      if (first) cmds.push(["XINFO", "GROUPS", key]);
      run(cmds).then(function (r) {
        if (!r[0].ok) throw new Error(r[0].error);
        r[0].value.forEach(function (entry) {
          var id = shown(entry[0]), fields = entry[1], parts = [];
          for (var i = 0; i < fields.length; i += 2) parts.push(shown(fields[i]) + "=" + shown(fields[i + 1]));
          var row = el("tr", { class: "item", "data-id": id }, [el("td", { class: "num", text: id }), el("td", { text: parts.join("  ") })]);
          if (!state.readOnly) row.appendChild(el("td", { class: "edit" }, [el("button", { type: "button", class: "danger small xdel", text: "✕", title: "delete entry", onclick: function () {
            one(["XDEL", key, id]).then(function () { flash("deleted entry " + id); reopen(); }).catch(fail);
          } })]));
          body.appendChild(row);
        });
        var last = r[0].value.length ? shown(r[0].value[r[0].value.length - 1][0]) : null;
        more.hidden = r[0].value.length < 50;
        if (last) from = "(" + last;
        count.textContent = r[1].value + " entries";
        if (first && r[2] && r[2].ok) groupRows(r[2].value);
        first = false;
      }).catch(fail);
    }
    /** XINFO GROUPS' reply: one flat name/value list per group. */
    function groupRows(list) {
      if (list.length === 0) groups.appendChild(el("tr", null, [el("td", { colspan: "6", class: "muted", text: "No consumer group." })]));
      list.forEach(function (g) {
        var f = {};
        for (var i = 0; i + 1 < g.length; i += 2) f[shown(g[i])] = g[i + 1];
        var name = f.name;
        var row = el("tr", { class: "group", "data-group": isBinary(name) ? null : name }, [
          el("td", { text: shown(name) }),
          el("td", { class: "num", text: shown(f.consumers) }),
          el("td", { class: "num", text: shown(f.pending) }),
          el("td", { class: "num", text: shown(f["last-delivered-id"]) }),
          el("td", { class: "num", text: f.lag === undefined ? "" : shown(f.lag) }),
        ]);
        if (!state.readOnly && !isBinary(name)) {
          var destroy = el("button", { type: "button", class: "danger small xgroup-destroy", text: "✕", title: "destroy group" });
          destroy.addEventListener("click", function () {
            if (destroy.getAttribute("data-armed") !== "1") { destroy.setAttribute("data-armed", "1"); destroy.textContent = "Confirm destroy"; return; }
            one(["XGROUP", "DESTROY", key, name]).then(function () { flash("destroyed group " + name); reopen(); }).catch(fail);
          });
          row.appendChild(el("td", { class: "edit" }, [destroy]));
        }
        groups.appendChild(row);
      });
    }
    more.addEventListener("click", page);
    content.appendChild(count);
    content.appendChild(el("table", { id: "stream-table" }, [body]));
    content.appendChild(more);
    if (!state.readOnly) content.appendChild(xaddForm(key, reopen));
    content.appendChild(el("h3", { text: "Consumer groups" }));
    content.appendChild(el("table", { id: "groups-table" }, [
      el("thead", null, [el("tr", null, ["group", "consumers", "pending", "last delivered", "lag"].map(function (h) { return el("th", { text: h }); }))]),
      groups,
    ]));
    if (!state.readOnly) {
      var group = el("input", { id: "xgroup-name", placeholder: "group" });
      var start = el("input", { id: "xgroup-id", value: "$", placeholder: "start id ($: new entries only)" });
      content.appendChild(el("form", { id: "xgroup-form", class: "row edit", onsubmit: function () {
        if (!group.value) return;
        one(["XGROUP", "CREATE", key, group.value, start.value || "$"]).then(function () { flash("created group " + group.value); reopen(); }).catch(fail);
      } }, [group, start, el("button", { type: "submit", text: "Create group" })]));
    }
    page();
  }
  /** XADD key id field value [field value ...]: "*" lets the server choose the id; a refused id changes nothing. */
  function xaddForm(key, reopen) {
    var id = el("input", { id: "xadd-id", value: "*", placeholder: "id (* for a new one)" });
    var pairs = el("div", { id: "xadd-pairs" });
    function pair() {
      pairs.appendChild(el("div", { class: "row xadd-pair" }, [el("input", { class: "xadd-field", placeholder: "field" }), el("input", { class: "xadd-value", placeholder: "value" })]));
    }
    pair();
    return el("form", { id: "xadd-form", class: "edit", onsubmit: function () {
      var cmd = ["XADD", key, id.value.trim() || "*"];
      Array.prototype.forEach.call(pairs.querySelectorAll(".xadd-pair"), function (p) {
        var f = p.querySelector(".xadd-field").value, v = p.querySelector(".xadd-value").value;
        if (f !== "" || v !== "") cmd.push(f, v);
      });
      if (cmd.length === 3) { flash("an entry needs at least one field", true); return; }
      one(cmd).then(function (added) { flash("added entry " + shown(added)); reopen(); }).catch(fail);
    } }, [
      el("div", { class: "row" }, [id, el("button", { type: "button", id: "xadd-more", text: "+ field", onclick: pair }), el("button", { type: "submit", id: "xadd-submit", text: "Add entry" })]),
      pairs,
    ]);
  }

  // ---- console -------------------------------------------------------------------------
  /** Splits a command line as redis-cli does: spaces between arguments, "…" and '…' quote, \" escapes inside double quotes. */
  function splitArgs(line) {
    var args = [], cur = "", inArg = false, quote = null;
    for (var i = 0; i < line.length; i++) {
      var c = line[i];
      if (quote) {
        if (c === "\\" && quote === '"' && i + 1 < line.length) {
          var n = line[++i];
          cur += n === "n" ? "\n" : n === "t" ? "\t" : n;
        } else if (c === quote) quote = null;
        else cur += c;
      } else if (c === '"' || c === "'") { quote = c; inArg = true; }
      else if (c === " " || c === "\t") { if (inArg) { args.push(cur); cur = ""; inArg = false; } }
      else { cur += c; inArg = true; }
    }
    if (quote) throw new Error("unbalanced quotes");
    if (inArg) args.push(cur);
    return args;
  }
  function formatReply(v, indent) {
    indent = indent || "";
    if (v === null || v === undefined) return "(nil)";
    if (typeof v === "number") return "(integer) " + v;
    if (Array.isArray(v)) {
      if (v.length === 0) return "(empty array)";
      return v.map(function (x, i) {
        var n = (i + 1) + ") ";
        return (i === 0 ? "" : indent) + n + formatReply(x, indent + "   ".slice(0, n.length) + (n.length > 3 ? " " : ""));
      }).join("\n");
    }
    if (typeof v === "object" && !isBinary(v)) return JSON.stringify(v);
    return JSON.stringify(shown(v));
  }
  function consoleView(main) {
    var out = el("pre", { id: "console-output", class: "console" });
    var input = el("input", { id: "console-input", placeholder: "command (help <command> for its docs)", autocomplete: "off", spellcheck: "false" });
    function print(cls, text) { out.appendChild(el("div", { class: cls, text: text })); out.scrollTop = out.scrollHeight; }
    function exec(line) {
      var args;
      try { args = splitArgs(line); } catch (e) { print("error", "(error) " + e.message); return; }
      if (args.length === 0) return;
      print("prompt", "> " + line);
      if (args[0].toLowerCase() === "help" && args.length > 1) { help(args.slice(1).join(" "), print); return; }
      run([args]).then(function (r) {
        if (r[0].ok) print("reply", r[0].value === "OK" ? "OK" : formatReply(r[0].value));
        else print("error", "(error) " + r[0].error);
      }).catch(function (e) { if (e instanceof AuthError) signOut(); else print("error", "(error) " + e.message); });
    }
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        var line = input.value;
        if (line.trim()) { state.history.push(line); if (state.history.length > 200) state.history.shift(); }
        state.histPos = state.history.length;
        input.value = "";
        exec(line);
      } else if (ev.key === "ArrowUp") {
        if (state.histPos > 0) { state.histPos--; input.value = state.history[state.histPos]; }
        ev.preventDefault();
      } else if (ev.key === "ArrowDown") {
        if (state.histPos < state.history.length) { state.histPos++; input.value = state.history[state.histPos] || ""; }
        ev.preventDefault();
      }
    });
    main.appendChild(out);
    main.appendChild(el("div", { class: "row" }, [el("span", { class: "prompt", text: ">" }), input]));
    print("muted", state.readOnly ? "Read-only token: commands that write are refused (NOPERM)." : "Connected.");
    input.focus();
  }
  /** COMMAND DOCS <name>: its summary, since, group, complexity and argument names. */
  function help(name, print) {
    one(["COMMAND", "DOCS", name]).then(function (reply) {
      if (!Array.isArray(reply) || reply.length < 2) { print("error", "no docs for " + name); return; }
      var doc = reply[1], fields = {};
      for (var i = 0; i + 1 < doc.length; i += 2) fields[shown(doc[i])] = doc[i + 1];
      var lines = [shown(reply[0]).toUpperCase() + (fields.summary ? " — " + shown(fields.summary) : "")];
      ["since", "group", "complexity"].forEach(function (k) { if (fields[k] !== undefined) lines.push("  " + k + ": " + shown(fields[k])); });
      if (Array.isArray(fields.arguments)) {
        var names = fields.arguments.map(function (a) {
          for (var j = 0; j + 1 < a.length; j += 2) if (shown(a[j]) === "name") return shown(a[j + 1]);
          return "?";
        });
        lines.push("  arguments: " + names.join(" "));
      }
      print("help", lines.join("\n"));
    }).catch(function (e) { print("error", "(error) " + e.message); });
  }

  // ---- charts --------------------------------------------------------------------------
  var CHARTS = [
    { id: "chart-ops", title: "ops/s", series: [["ops", "ops/s"]] },
    { id: "chart-hits", title: "hits / misses per interval", series: [["hits", "hits"], ["misses", "misses"]] },
    { id: "chart-memory", title: "memory vs maxmemory (bytes)", series: [["used", "used_memory"], ["max", "maxmemory"]] },
    { id: "chart-evictions", title: "evictions / expirations per interval", series: [["evicted", "evicted"], ["expired", "expired"]] },
    { id: "chart-ratelimit", title: "rate-limit decisions per interval (all shards)", series: [["rlAdmitted", "admitted"], ["rlRefused", "refused"]] },
  ];
  /** A chart of one rule's decisions (front-door rules, named limiters), summed over every shard. */
  function ruleChart(rule, n) {
    return { id: "chart-rule-" + n, rule: rule, title: "rule " + rule + ": decisions per interval (all shards)", series: [["rule:" + rule + ":admitted", "admitted"], ["rule:" + rule + ":refused", "refused"]] };
  }
  /** Prometheus label values, unescaped (\\, \", \n). */
  function parseLabels(text) {
    var labels = {}, re = /(\w+)="((?:[^"\\]|\\.)*)"/g, m;
    while ((m = re.exec(text)) !== null) labels[m[1]] = m[2].replace(/\\(.)/g, function (_, c) { return c === "n" ? "\n" : c; });
    return labels;
  }
  /**
   * GET /metrics (the read-write token): RL.* decisions summed over the shards and algorithms,
   * and per rule summed over the shards. Resolves to null when the token may not read the metrics.
   */
  function metrics() {
    return fetch("/metrics", { headers: { authorization: "Bearer " + state.token } }).then(function (res) {
      if (res.status !== 200) return null;
      return res.text().then(function (text) {
        var out = { admitted: 0, refused: 0, rules: {} };
        text.split("\n").forEach(function (line) {
          var m = /^(\w+)(\{.*\})? (\S+)$/.exec(line);
          if (!m) return;
          var labels = parseLabels(m[2] || ""), v = num(m[3]);
          if (m[1] === "edgekv_ratelimit_decisions_total") {
            if (labels.decision === "admitted") out.admitted += v;
            else if (labels.decision === "refused") out.refused += v;
          } else if (m[1] === "edgekv_ratelimit_rule_decisions_total" && labels.rule !== undefined) {
            var r = out.rules[labels.rule] || (out.rules[labels.rule] = { admitted: 0, refused: 0 });
            if (labels.decision === "admitted" || labels.decision === "refused") r[labels.decision] += v;
          }
        });
        return out;
      });
    });
  }
  function parseInfo(text) {
    var fields = {};
    String(text).split(/\r?\n/).forEach(function (line) {
      var at = line.indexOf(":");
      if (at > 0 && line[0] !== "#") fields[line.slice(0, at)] = line.slice(at + 1);
    });
    return fields;
  }
  function num(x) { var n = Number(x); return isFinite(n) ? n : 0; }
  function sample() {
    var rl = state.readOnly ? Promise.resolve(null) : metrics().catch(function () { return null; });
    return Promise.all([run([["INFO", "stats"], ["INFO", "memory"]]), rl]).then(function (both) {
      var r = both[0], m = both[1];
      var f = {};
      r.forEach(function (e) { if (e.ok) { var p = parseInfo(shown(e.value)); Object.keys(p).forEach(function (k) { f[k] = p[k]; }); } });
      var raw = { hits: num(f.keyspace_hits), misses: num(f.keyspace_misses), evicted: num(f.evicted_keys), expired: num(f.expired_keys),
        rlAdmitted: m ? m.admitted : 0, rlRefused: m ? m.refused : 0, rules: m ? m.rules : {} };
      var prev = state.samples.length ? state.samples[state.samples.length - 1].raw : raw;
      var s = { raw: raw, ops: num(f.instantaneous_ops_per_sec), used: num(f.used_memory), max: num(f.maxmemory) };
      ["hits", "misses", "evicted", "expired", "rlAdmitted", "rlRefused"].forEach(function (k) { s[k] = Math.max(0, raw[k] - prev[k]); });
      // Per-rule counts are the shards' totals, as the per-algorithm ones: a rule missing from the last sample had none then.
      Object.keys(raw.rules).forEach(function (rule) {
        if (state.rules.indexOf(rule) < 0) state.rules.push(rule);
        var was = prev === raw ? raw.rules[rule] : prev.rules[rule] || { admitted: 0, refused: 0 };
        ["admitted", "refused"].forEach(function (d) {
          s["rule:" + rule + ":" + d] = Math.max(0, raw.rules[rule][d] - was[d]);
        });
      });
      state.metrics = m !== null;
      state.samples.push(s);
      if (state.samples.length > SAMPLES) state.samples.shift();
    });
  }
  function drawChart(box, chart) {
    var W = 360, H = 120, P = 4;
    var data = state.samples;
    var hi = 1;
    chart.series.forEach(function (s) { data.forEach(function (d) { hi = Math.max(hi, num(d[s[0]])); }); });
    var g = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "chart", role: "img", "aria-label": chart.title });
    g.appendChild(svg("rect", { x: 0, y: 0, width: W, height: H, class: "frame" }));
    var scale = svg("text", { x: P + 2, y: P + 10, class: "scale" });
    scale.textContent = String(hi);
    g.appendChild(scale);
    chart.series.forEach(function (s, n) {
      if (data.length === 0) return;
      var d = "";
      data.forEach(function (p, i) {
        var x = data.length === 1 ? W - P : P + (i * (W - 2 * P)) / (SAMPLES - 1) + (SAMPLES - data.length) * (W - 2 * P) / (SAMPLES - 1);
        var y = H - P - (num(p[s[0]]) / hi) * (H - 2 * P);
        d += (i === 0 ? "M" : "L") + x.toFixed(1) + " " + y.toFixed(1) + " ";
      });
      if (data.length === 1) d += "l-2 0";
      g.appendChild(svg("path", { d: d.trim(), class: "series s" + n }));
    });
    var last = data.length ? data[data.length - 1] : null;
    var legend = el("p", { class: "legend" }, chart.series.map(function (s, n) {
      return el("span", { class: "s" + n, text: s[1] + " " + (last ? num(last[s[0]]) : "–") });
    }));
    clear(box).appendChild(el("h3", { text: chart.title }));
    box.appendChild(g);
    box.appendChild(legend);
  }
  function chartsView(main) {
    var boxes = CHARTS.map(function (c) { return el("figure", { id: c.id, class: "chart-box" }); });
    var note = el("p", { id: "ratelimit-note", class: "muted" });
    var rules = el("div", { id: "rule-charts", class: "charts" });
    var ruleBoxes = [];
    main.appendChild(el("div", { class: "charts" }, boxes));
    main.appendChild(note);
    main.appendChild(rules);
    function draw() {
      CHARTS.forEach(function (c, i) { drawChart(boxes[i], c); });
      note.textContent = state.readOnly || !state.metrics
        ? "Rate-limit decisions come from GET /metrics, which needs the read-write token."
        : state.rules.length === 0 ? "No rule has decided anything yet (rules: RATE_LIMIT_RULES, or a limiter's rule option)." : "";
      state.rules.forEach(function (rule, n) {
        if (!ruleBoxes[n]) { ruleBoxes[n] = el("figure", { id: "chart-rule-" + n, class: "chart-box", "data-rule": rule }); rules.appendChild(ruleBoxes[n]); }
        drawChart(ruleBoxes[n], ruleChart(rule, n));
      });
    }
    function tick() { sample().then(draw).catch(fail); }
    draw();
    tick();
    state.timer = setInterval(function () { if (!document.hidden) tick(); }, POLL_MS);
  }
  function stopPolling() { if (state.timer !== null) { clearInterval(state.timer); state.timer = null; } }

  // ---- slow log ------------------------------------------------------------------------
  function slowlogView(main) {
    var body = el("tbody");
    function load() {
      one(["SLOWLOG", "GET", 50]).then(function (entries) {
        clear(body);
        if (entries.length === 0) body.appendChild(el("tr", null, [el("td", { colspan: "4", class: "muted", text: "The slow log is empty." })]));
        entries.forEach(function (e) {
          body.appendChild(el("tr", { class: "item" }, [
            el("td", { class: "num", text: String(e[0]) }),
            el("td", { text: new Date(Number(e[1]) * 1000).toISOString() }),
            el("td", { class: "num", text: String(e[2]) }),
            el("td", { text: (e[3] || []).map(shown).join(" ") }),
          ]));
        });
      }).catch(fail);
    }
    main.appendChild(el("div", { class: "row" }, [el("button", { type: "button", id: "slowlog-refresh", text: "Refresh", onclick: load })]));
    main.appendChild(el("table", { id: "slowlog-table" }, [el("thead", null, [el("tr", null, ["id", "time", "µs", "command"].map(function (h) { return el("th", { text: h }); }))]), body]));
    load();
  }

  // ---- start ---------------------------------------------------------------------------
  var saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved).catch(function (e) { sessionStorage.removeItem(TOKEN_KEY); renderSignIn(e && e.message ? e.message : ""); });
  else renderSignIn("");
})();
`;
