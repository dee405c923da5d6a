// The remote page: shows the player's screens as they are pushed, and sends its buttons' actions.
// The key is the link's fragment (never sent to the server by the browser); every request carries
// it in a header. No framework, no build step, nothing from elsewhere.
"use strict";

const KEY = decodeURIComponent(location.hash.slice(1));
const HEADER = "X-Voiceguide-Token";
const STOP_CONFIRM_MS = 4000;
const $ = (id) => document.getElementById(id);
let shown = null;
let stopArmed = 0;
let doneCount = 0;
let doneUntil = 0;
const DONE_SHOWN_MS = 8000;

function setText(id, text) {
  const element = $(id);
  if (element.textContent !== text) element.textContent = text; // unchanged: not announced again
}

function problem(text) {
  const element = $("problem");
  element.hidden = !text;
  setText("problem", text);
}

function show(screen) {
  shown = screen;
  document.body.dataset.state = screen.state;
  document.body.dataset.position = String(screen.position_s);
  setText("step", `Step ${screen.step_number} of ${screen.steps} · ${screen.step}`);
  setText("clock", screen.clock);
  setText("left", `· ${screen.left}`);
  setText("volume", screen.volume ? `· ${screen.volume}` : "");
  setText("now", screen.now);
  setText("upcoming", screen.upcoming || "(the last line)");
  const waiting = screen.state === "waiting"; // a hold: the next line comes after Ready
  setText("upcoming-in", waiting ? "after Ready" : screen.upcoming_in ? `in ${screen.upcoming_in}` : "");
  $("coming").hidden = !screen.upcoming;
  $("hold").hidden = !waiting;
  const toggle = $("toggle");
  const paused = screen.state === "paused";
  setText("now-label", paused ? "Paused" : "Say now");
  toggle.dataset.action = paused ? "continue" : "pause";
  setText("toggle", paused ? "Continue" : "Pause");
  toggle.disabled = waiting;
  if (screen.done_count !== doneCount) { // an action, by any control: shown for a while
    doneCount = screen.done_count;
    doneUntil = Date.now() + DONE_SHOWN_MS;
    setTimeout(() => shown && show(shown), DONE_SHOWN_MS + 50);
  }
  let done = screen.done && Date.now() < doneUntil ? `Done: ${screen.done}` : "";
  if (screen.preparing) done = "The voice is still being prepared…";
  if (screen.state === "paused") done = `Paused. ${done}`.trim();
  document.body.dataset.doneCount = String(screen.done_count);
  setText("done", done);
  if (screen.state === "finished") ended("The session has ended.");
  else problem("");
}

function ended(text) {
  for (const button of document.querySelectorAll("button")) button.disabled = true;
  $("hold").hidden = true;
  problem(text);
}

async function act(name) {
  try {
    const response = await fetch(`/act/${name}`, { method: "POST", headers: { [HEADER]: KEY } });
    if (!response.ok) problem(`The player refused that (${response.status}).`);
  } catch (error) {
    problem("The player did not answer.");
  }
}

function pressed(event) {
  const button = event.target.closest("button[data-action]");
  if (!button || button.disabled) return;
  const name = button.dataset.action;
  if (name === "stop" && Date.now() > stopArmed) { // oily hands: a stop takes a second tap
    stopArmed = Date.now() + STOP_CONFIRM_MS;
    button.textContent = "Tap again to stop";
    setTimeout(() => { if (Date.now() >= stopArmed) button.textContent = "Stop"; }, STOP_CONFIRM_MS);
    return;
  }
  if (name === "stop") { stopArmed = 0; button.textContent = "Stop"; }
  act(name);
}

async function listen() {
  if (!KEY) {
    ended("This link has no key. Open the link the terminal shows (scan its QR code).");
    setText("step", "Not connected");
    return;
  }
  for (;;) {
    try {
      const response = await fetch("/events", { headers: { [HEADER]: KEY }, cache: "no-store" });
      if (response.status === 403) {
        ended("This key is not the session's. Open the link the terminal shows now.");
        setText("step", "Not connected");
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = event.split("\n").filter((line) => line.startsWith("data: "));
          if (data.length) show(JSON.parse(data.map((line) => line.slice(6)).join("\n")));
        }
      }
    } catch (error) {
      // the connection dropped: try again below
    }
    if (shown && (shown.state === "finished" || shown.state === "stopping")) {
      ended("The session has ended.");
      return;
    }
    problem("Lost the player. Trying again…");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

document.addEventListener("click", pressed);
listen();
