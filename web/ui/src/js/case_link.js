// A deep link to one case, /#/cases/{id}: the case's panel for anyone who may see it (the
// server decides: GET /api/v1/cases/{id} answers 404 both for a case that does not exist
// and for one outside the reader's sight), and a clear message otherwise.
import { h, fill, stateBlock } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { loadRefs } from './refs.js';
import { CaseDetail } from './case_detail.js';

export async function mount(main, { user, id, home }) {
  const back = h('a', { href: `#/${home}`, class: 'button secondary', id: 'case-link-back' }, t('link.back'));
  const box = h('div', { class: 'case-link', dataset: { caseId: String(id) } }, stateBlock('loading', t('common.loading')));
  fill(main, box);
  try {
    await api(`/api/v1/cases/${id}`);
  } catch (e) {
    const message = e.status === 404 || e.status === 403 ? t('link.not_found', { id }) : e.message;
    fill(box, h('div', { class: 'state error', id: 'case-link-missing' }, message), back);
    return {};
  }
  const refs = await loadRefs({ grids: true });
  const detail = new CaseDetail({ refs, user, onChange: () => {}, onClose: () => { location.hash = `#/${home}`; } });
  fill(box, back, detail.el);
  await detail.open(id);
  return { destroy() {} };
}
