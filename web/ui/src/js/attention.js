// 需要您督办 — the escalations that rose to the tier this user answers for (the live feed
// marks them with `attention`): a sound, a toast and a short list on the map, each case a
// click away. Other escalations only update the map.
import { h, fill, toast } from './dom.js';
import { t } from './i18n.js';
import { beep } from './sound.js';
import { fmtTime, urgencyBadge, tierName, OPEN_STATES } from './format.js';

const KEEP = 20;

export class AttentionList {
  // tier(): the tier this user answers for, as the live feed said.
  constructor({ refs, onOpen, tier = () => null }) {
    this.refs = refs;
    this.onOpen = onOpen;
    this.tier = tier;
    this.items = new Map();  // case id → {case, at}
    this.el = h('div', { class: 'needs-you', id: 'needs-you', hidden: true, role: 'region', 'aria-label': t('attention.title') });
  }

  // A message from the feed: true when it asked for this user's attention.
  note(m) {
    const c = m.case;
    if ((m.type === 'case.escalated' || m.type === 'case.reminded') && m.attention) {
      // At the top tier escalation stops and the district is reminded once a day: each
      // reminder sounds again, but the toast comes once per tier.
      const known = this.items.get(c.id);
      this.items.delete(c.id);
      this.items.set(c.id, { case: c, times: (known?.case.tier === c.tier ? known.times : 0) + 1 });
      while (this.items.size > KEEP) this.items.delete(this.items.keys().next().value);
      beep();
      if (known?.case.tier !== c.tier) {
        const where = this.refs.areaName(c.grid_id) || this.refs.areaName(c.community) || '';
        toast(t('attention.toast', { id: c.id, title: c.title, where, tier: tierName(c.tier) }), 'warn', 10000);
      }
      this.render();
      return true;
    }
    // A case already listed: shown as it is now, and gone once closed or handed further up.
    const item = this.items.get(c.id);
    if (item) {
      if (!OPEN_STATES.includes(c.state) || c.state === 'resolved') this.items.delete(c.id);
      else item.case = c;
      this.render();
    }
    return false;
  }

  dismiss(id) {
    this.items.delete(id);
    this.render();
  }

  render() {
    this.el.hidden = !this.items.size;
    if (!this.items.size) return fill(this.el);
    const list = [...this.items.values()].reverse();
    fill(this.el,
      h('div', { class: 'needs-you-head' }, h('span', { class: 'bell', 'aria-hidden': 'true' }, '!'),
        h('b', {}, t('attention.title')),
        this.tier() ? h('span', { class: 'small' }, t('attention.as', { tier: tierName(this.tier()) })) : null,
        h('span', { class: 'count' }, String(list.length))),
      h('ul', {}, list.map(({ case: c, times }) => h('li', { dataset: { caseId: c.id, urgency: c.urgency } },
        h('button', { class: 'needs-you-case', onclick: () => this.onOpen(c.id) },
          urgencyBadge(c.urgency), h('span', { class: 'title' }, `#${c.id} ${c.title}`),
          h('span', { class: 'muted small' }, `${this.refs.areaName(c.grid_id) || ''} · ${tierName(c.tier)} · ${fmtTime(c.updated_at, 'time')}`,
            times > 1 ? ` · ${t('attention.again', { n: times })}` : '')),
        h('button', { class: 'dismiss', title: t('attention.dismiss'), 'aria-label': t('attention.dismiss'), onclick: () => this.dismiss(c.id) }, '×')))));
  }
}
