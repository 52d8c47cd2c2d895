// The student's page: join with the teacher's code, then each simulated week
// see what your agent knows and decide. Everything shown comes from the
// server as data and is written as text (never as markup).
"use strict";

const CHOICES = {
  professional: [
    ["refer", "Every other mother you see this week (new ones, and listed ones you leave 'as the model'): refer her to a volunteer?"],
    ["grant_access", "When a volunteer asks to meet new mothers on the ward or in clinic: let her in?"],
    ["report_concern", "When you notice a volunteer doing something that may cross the role's boundary: report it as a transgression?"],
    ["attend_meeting", "Attend the joint meeting with the volunteers, if one is held this week?"],
  ],
  volunteer: [
    ["take_cases", "Take referred mothers from the waiting list when you have room?"],
    ["ask_access", "Ask, every day you have room, to meet new mothers on the ward or in clinic?"],
    ["act_beyond_role", "In your contacts, go beyond the peer supporter's role (advice that is the professionals' to give)?"],
    ["attend_meeting", "Attend the joint meeting with the professionals, if one is held this week?"],
  ],
};
const OWN_LABELS = {
  gatekeeping: "Gate-keeping (withholding referrals)", boundary_concern: "Concern about boundaries",
  surveillance: "Watching what volunteers do", trust_in_volunteers: "Your trust in volunteers",
  workload: "Workload (1 = full)", orientation: "Working with volunteers (0 = for me, 1 = with me)",
  caseload: "Mothers you support", capacity: "Mothers you can support", self_esteem: "Self-esteem",
  skill: "Skill", autonomy: "Autonomy", trust_in_professionals: "Your trust in professionals",
  felt_surveillance: "Feeling watched", commitment: "Commitment",
};

let token = sessionStorage.getItem("ppisim-student");
let shownDay = null;


function cell(row, text, tag = "td") {
  const c = document.createElement(tag);
  c.textContent = text;
  row.appendChild(c);
  return c;
}

function fmt(value) {
  return typeof value === "number" && !Number.isInteger(value) ? value.toFixed(2) : String(value);
}

function choiceSelect(name, current) {
  const select = document.createElement("select");
  select.name = name;
  for (const [value, label] of [["model", "as the model"], ["yes", "yes"], ["no", "no"]]) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    select.appendChild(option);
  }
  select.value = current;
  return select;
}

function table(element, header, rows) {
  element.replaceChildren();
  const head = element.insertRow();
  for (const h of header) cell(head, h, "th");
  for (const r of rows) {
    const row = element.insertRow();
    for (const v of r) v instanceof Node ? row.insertCell().appendChild(v) : cell(row, fmt(v));
  }
}

function render(view) {
  const volunteer = view.role === "volunteer";
  const roleName = { midwife: "midwife", health_visitor: "health visitor", volunteer: "volunteer" }[view.role];
  $("who").textContent = `${view.name}: ${roleName} no. ${view.agent}, locality ${view.locality}`;
  table($("own"), ["", ""], Object.entries(view.own).map(([k, v]) => [OWN_LABELS[k] || k, v]));

  const decided = new Map(view.this_week.map((d) => [`${d.kind}:${d.subject ?? ""}`, d.yes ? "yes" : "no"]));
  const current = (kind, subject = "") => decided.get(`${kind}:${subject}`) ?? "model";

  if (volunteer) {
    $("mothers-title").textContent = `Mothers you support (${view.mothers.length})`;
    $("mothers-hint").textContent = `${view.mothers_waiting_in_locality} referred mothers are waiting for a volunteer in your locality.` +
      (view.active ? "" : " You have left the scheme: your choices no longer act.");
    table($("mothers"), ["mother", "baby's age (days)", "feeding", "difficulty", "confidence", "your contacts"],
      view.mothers.map((m) => [m.id, m.age_days, m.feeding, m.difficulty || "-", m.confidence, m.contacts]));
    $("colleagues-title").textContent = "Professionals you work with";
    table($("colleagues"), ["professional", "role", "their trust in you"],
      view.professionals.map((p) => [p.id, p.role.replace("_", " "), p.trust_in_you]));
  } else {
    $("mothers-title").textContent = `Your mothers still breastfeeding and not referred (${view.mothers.length} shown)`;
    $("mothers-hint").textContent = `${view.mothers_waiting} of your mothers are waiting for a volunteer; ${view.mothers_with_volunteer} have one.` +
      (view.scheme.opt_out ? " Your locality refers by opt-out: every mother is offered a volunteer, so your referral choices do not act." : "");
    table($("mothers"), ["mother", "baby's age (days)", "feeding", "difficulty", "confidence", "refer at her next contact?"],
      view.mothers.map((m) => [m.id, m.age_days, m.feeding, m.difficulty || "-", m.confidence,
        choiceSelect(`refer:${m.id}`, current("refer", m.id))]));
    $("colleagues-title").textContent = "Volunteers in your locality";
    table($("colleagues"), ["volunteer", "mothers", "room for", "your trust in her"],
      view.volunteers.map((v) => [v.id, v.caseload, v.capacity, v.your_trust]));
  }

  const choices = $("choices");
  choices.replaceChildren();
  for (const [kind, label] of CHOICES[volunteer ? "volunteer" : "professional"]) {
    const row = document.createElement("label");
    row.className = "choice";
    const text = document.createElement("span");
    text.textContent = label;
    row.append(text, choiceSelect(`${kind}:`, current(kind)));
    choices.appendChild(row);
  }

  const names = { refer: "referrals", grant_access: "access requests answered", report_concern: "boundary events noticed",
    attend_meeting: "meetings", take_cases: "chances to take a case", ask_access: "days with room",
    act_beyond_role: "contacts" };
  $("last-week").replaceChildren(...(view.last_week.length ? view.last_week.map((e) => {
    const li = document.createElement("li");
    li.textContent = `${names[e.kind] || e.kind}: ${e.times}; your choice said yes ${e.yours_yes} times, the model's rule would have said yes ${e.model_yes} times`;
    return li;
  }) : [Object.assign(document.createElement("li"), { textContent: "Nothing yet: your choices act from the week you decide." })]));
}

function renderStatus(view) {
  const status = $("status");
  const week = `Week ${view.week} (day ${view.day} of ${view.horizon}).`;
  if (view.finished) status.textContent = `${week} The run has ended; the teacher will lead the debrief.`;
  else if (view.paused) status.textContent = `${week} Paused by the teacher for discussion.`;
  else if (view.decided_this_week) status.textContent = `${week} Decided: waiting for the rest of the class (you may still change your mind).`;
  else status.textContent = `${week} Decide for this week.`;
  status.className = view.paused ? "status-paused" : view.decided_this_week ? "status-decided" : "";
  $("decide").disabled = view.finished;
}

async function refresh() {
  if (!token) return;
  try {
    const view = await call("GET", `/api/participatory/student/${token}`);
    $("join").hidden = true;
    $("play").hidden = false;
    if (view.day !== shownDay) {
      render(view);
      shownDay = view.day;
    }
    renderStatus(view);
  } catch (error) {
    if (/ended|expired/.test(error.message)) {
      sessionStorage.removeItem("ppisim-student");
      token = null;
      $("join").hidden = false;
      $("play").hidden = true;
    }
    say(error.message);
  }
}

$("join").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const role = document.querySelector("input[name=role]:checked").value;
    const data = await call("POST", "/api/participatory/join", { code: $("code").value.trim(), name: $("name").value, role });
    token = data.student;
    sessionStorage.setItem("ppisim-student", token);
    say("");
    shownDay = null;
    await refresh();
  } catch (error) {
    say(error.message);
  }
});

$("decide").addEventListener("click", async () => {
  const decisions = [];
  for (const select of document.querySelectorAll("#play select")) {
    if (select.value === "model") continue;
    const [kind, subject] = select.name.split(":");
    const decision = { kind, yes: select.value === "yes" };
    if (subject) decision.subject = Number(subject);
    decisions.push(decision);
  }
  try {
    const view = await call("POST", `/api/participatory/student/${token}/decide`, { day: shownDay, decisions });
    say("");
    if (view.day !== shownDay) {
      render(view);
      shownDay = view.day;
    }
    renderStatus(view);
  } catch (error) {
    say(error.message);
    shownDay = null;  // the week may have moved on: show it afresh
    refresh();
  }
});

refresh();
setInterval(refresh, 2000);
