// Vozvrat's loopback SMSC simulator on the npm package `smpp` (0.5.1), for tests and the benchmark.
//
//   node smsc.js --port 0 [--journal FILE] [--user esme --password secret] [--lifetime 600]
//                [--throttle-rate N [--busy-status throttled|queue-full]] [--reject-prefix P] [--undeliv-prefix P] [--expire-prefix P]
//                [--unbind-after N] [--dlr-delay SECONDS] [--receipt-first] [--hang-at N]
//
// Prints "LISTENING <port>" once bound (port 0 picks a free one) and "STATS {...}" on exit.
// Checks the password, answers submit_sm with a message id, reassembles long messages (UDH
// 0x00 IE or sar_ TLVs), sends one delivery receipt per part (esm_class 4, receipted_message_id
// and message_state TLVs, and the id:/stat: text) to a bound receiver, queueing it while none is
// bound. With --journal every accepted part, every whole message, every receipt sent and every one
// answered is appended synchronously before the answer leaves, and replayed on start: a simulator
// killed and restarted on the same journal keeps half-received long messages and still owes its
// receipts, and the test counts messages on the server side by reading the file.
// With --hang-at N, once the journal holds N whole messages the simulator hangs: every submit_sm
// it reads after that stays unanswered (and is not taken). It hangs once per journal (a "hang"
// record), so a simulator restarted on that journal serves again.
// SIGUSR2 sends every receipt still owed at once (with a long --dlr-delay: receipts in a burst
// at a moment the test chooses). A receipt stays owed until its deliver_sm_resp comes back:
// one without an answer is delivered again on the next bind, as a real SMSC does.
'use strict';
const fs = require('fs');
const smpp = require('smpp');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : fallback;
};
const PORT = +opt('port', 0);
const LIFETIME = +opt('lifetime', 600);
const RATE = +opt('throttle-rate', 0);
// Over the rate the answer is ESME_RTHROTTLED, or ESME_RMSGQFUL as an SMSC whose queue is full.
const BUSY = opt('busy-status', 'throttled') === 'queue-full' ? smpp.ESME_RMSGQFUL : smpp.ESME_RTHROTTLED;
const DLR_DELAY_MS = +opt('dlr-delay', 0) * 1000;
const USER = opt('user', 'esme');
const PASSWORD = opt('password', 'secret');
const REJECT = opt('reject-prefix', '');
const UNDELIV = opt('undeliv-prefix', '');
const EXPIRE = opt('expire-prefix', '');
const UNBIND_AFTER = +opt('unbind-after', 0);
const JOURNAL = opt('journal', '');
// The receipt leaves before the submit answer, as some SMSCs' receipts overtake it.
const RECEIPT_FIRST = args.includes('--receipt-first');
const HANG_AT = +opt('hang-at', 0);

const stats = { binds: 0, bind_failures: 0, submits: 0, accepted: 0, throttled: 0, rejected: 0,
  messages: 0, dlr: 0, unbinds_sent: 0, enquire_links: 0, unanswered: 0 };
const parts = new Map();       // reassembly key -> {seq: text}
const owedReceipts = new Map(); // message id -> receipt PDU fields, until a receiver takes it
const bound = new Set();
// Whole messages in the journal, over every run on it; whether this journal has hung already.
let journaledMessages = 0, hangDone = false, hung = false;
// Ids stay unique across restarts on one journal: they start from the clock.
let nextId = Date.now() * 1000;

let journalFd = null;
function journal(record) {
  if (journalFd !== null) fs.writeSync(journalFd, JSON.stringify(record) + '\n');
  if (record.type === 'message') journaledMessages++;
}

function replayJournal() {
  if (!JOURNAL) return;
  if (fs.existsSync(JOURNAL)) {
    for (const line of fs.readFileSync(JOURNAL, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line);
      if (r.type === 'part') {
        const m = parts.get(r.key) || {};
        m[r.seq] = r.text;
        parts.set(r.key, m);
      } else if (r.type === 'message') {
        parts.delete(r.key);
        journaledMessages++;
      } else if (r.type === 'hang') {
        hangDone = true;
      } else if (r.type === 'receipt_owed') {
        owedReceipts.set(r.id, r.receipt);
      } else if (r.type === 'receipt_taken') {
        owedReceipts.delete(r.id);
      }
    }
  }
  journalFd = fs.openSync(JOURNAL, 'a');
}

function sendReceipt(id) {
  const receipt = owedReceipts.get(id);
  const session = [...bound][0];
  if (!receipt || !session) return;
  journal({ type: 'receipt_sent', id });
  session.deliver_sm(receipt, (resp) => {
    if (resp.command_status === 0 && owedReceipts.delete(id)) {
      stats.dlr++;
      journal({ type: 'receipt_taken', id });
    }
  });
}

function owe(id, pdu, text) {
  const ts = new Date().toISOString().replace(/[-T:]/g, '').slice(2, 12);
  const dst = pdu.destination_addr;
  let state = 2, stat = 'DELIVRD', err = '000';
  if (UNDELIV && dst.startsWith(UNDELIV)) { state = 5; stat = 'UNDELIV'; err = '001'; }
  if (EXPIRE && dst.startsWith(EXPIRE)) { state = 3; stat = 'EXPIRED'; err = '002'; }
  const receipt = {
    source_addr: dst, destination_addr: pdu.source_addr, esm_class: 4,
    short_message: `id:${id} sub:001 dlvrd:${state === 2 ? '001' : '000'} submit date:${ts} ` +
      `done date:${ts} stat:${stat} err:${err} text:${text.slice(0, 20)}`,
    receipted_message_id: id, message_state: state,
  };
  owedReceipts.set(id, receipt);
  journal({ type: 'receipt_owed', id, receipt });
  if (RECEIPT_FIRST) sendReceipt(id);
  else setTimeout(() => sendReceipt(id), DLR_DELAY_MS);
}

function textOf(pdu) {
  const sm = pdu.short_message;
  if (typeof sm === 'string') return { text: sm, udh: null };
  if (sm && sm.message !== undefined) {
    const text = typeof sm.message === 'string' ? sm.message : sm.message.toString();
    return { text, udh: sm.udh && sm.udh[0] };
  }
  return { text: '', udh: null };
}

// The part's place in a long message: UDH concatenation IE (0x00) or the sar_ TLVs.
function partOf(pdu, udh) {
  if (udh && udh[0] === 0x00) return { ref: udh[2], total: udh[3], seq: udh[4] };
  if (pdu.sar_msg_ref_num !== undefined && pdu.sar_total_segments) {
    return { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum };
  }
  return null;
}

function accept(pdu, id) {
  const { text, udh } = textOf(pdu);
  const part = partOf(pdu, udh);
  if (!part) {
    stats.messages++;
    journal({ type: 'message', id, dst: pdu.destination_addr, parts: 1, text });
    return text;
  }
  const key = `${pdu.source_addr}|${pdu.destination_addr}|${part.ref}`;
  const m = parts.get(key) || {};
  m[part.seq] = text;
  parts.set(key, m);
  journal({ type: 'part', key, seq: part.seq, total: part.total, id, text });
  if (Object.keys(m).length === part.total) {
    parts.delete(key);
    stats.messages++;
    let whole = '';
    for (let i = 1; i <= part.total; i++) whole += m[i];
    journal({ type: 'message', key, dst: pdu.destination_addr, parts: part.total, text: whole });
  }
  return text;
}

replayJournal();

const server = smpp.createServer({ debug: false }, (session) => {
  let tokens = RATE, last = Date.now(), accepted = 0;
  const bind = (pdu) => {
    if (pdu.system_id !== USER || pdu.password !== PASSWORD) {
      stats.bind_failures++;
      session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
      session.close();
      return;
    }
    stats.binds++;
    session.send(pdu.response({ system_id: 'VOZVRATSMSC' }));
    if (pdu.command !== 'bind_transmitter') {
      bound.add(session);
      for (const id of owedReceipts.keys()) sendReceipt(id);
    }
  };
  session.on('bind_transceiver', bind);
  session.on('bind_transmitter', bind);
  session.on('bind_receiver', bind);
  session.on('enquire_link', (pdu) => { stats.enquire_links++; session.send(pdu.response()); });
  session.on('unbind', (pdu) => { bound.delete(session); session.send(pdu.response()); session.close(); });
  session.on('close', () => bound.delete(session));
  session.on('error', () => {});
  session.on('submit_sm', (pdu) => {
    stats.submits++;
    if (hung) {
      stats.unanswered++;
      return;
    }
    if (RATE) {
      const now = Date.now();
      tokens = Math.min(RATE, tokens + (now - last) / 1000 * RATE);
      last = now;
      if (tokens < 1) {
        stats.throttled++;
        session.send(pdu.response({ command_status: BUSY }));
        return;
      }
      tokens -= 1;
    }
    if (REJECT && pdu.destination_addr.startsWith(REJECT)) {
      stats.rejected++;
      session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
      return;
    }
    const id = (nextId++).toString(16).toUpperCase();
    const text = accept(pdu, id);
    stats.accepted++;
    if (RECEIPT_FIRST && pdu.registered_delivery & 0x03) owe(id, pdu, text);
    session.send(pdu.response({ message_id: id }));
    if (!RECEIPT_FIRST && pdu.registered_delivery & 0x03) owe(id, pdu, text);
    accepted++;
    if (HANG_AT && !hangDone && journaledMessages >= HANG_AT) {
      hung = hangDone = true;
      journal({ type: 'hang' });
    }
    if (UNBIND_AFTER && accepted === UNBIND_AFTER) {
      // A server-initiated unbind, as an SMSC going down for maintenance sends it: once per
      // connection, whatever the client still submits on it before it reads the unbind.
      stats.unbinds_sent++;
      bound.delete(session);
      setImmediate(() => session.unbind(() => session.close()));
    }
  });
});

function finish() {
  console.log('STATS ' + JSON.stringify(stats));
  process.exit(0);
}
server.listen(PORT, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
setTimeout(finish, LIFETIME * 1000);
process.on('SIGTERM', finish);
process.on('SIGUSR2', () => { for (const id of owedReceipts.keys()) sendReceipt(id); });
process.on('SIGINT', finish);
