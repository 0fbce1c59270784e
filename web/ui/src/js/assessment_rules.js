// 考评规则 (admins): the weights of the score, the points for each star, the cases an area
// needs before it is scored or ranked, and the ranked communities a street needs for the
// bottom warning. The server judges every value; its refusal is shown at the field it names.
// Saved rules apply to every report from then on, and the change is in the audit log.
import { h, fill, toast } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

export const WEIGHTS = ['closure_rate', 'on_time_closure_rate', 'on_time_acceptance_rate', 'rework', 'deferral', 'satisfaction'];

export function rulesEditor(rules, onSaved) {
  const errors = {};
  const general = h('div', { class: 'field-error', dataset: { errorFor: 'rules' } });
  const field = (name, label, value, attrs = {}) => {
    const input = h('input', { type: 'number', name, value: String(value ?? ''), class: 'num', ...attrs });
    errors[name] = h('span', { class: 'field-error', dataset: { errorFor: name } });
    return { input, el: h('label', { class: 'field' }, h('span', {}, label), input, errors[name]) };
  };
  const weights = WEIGHTS.map((k) => field(`weights.${k}`, t(`asm.weight_${k}`), rules.weights?.[k] ?? 0, { min: 0, step: 'any' }));
  const thresholds = [2, 3, 4, 5].map((n, i) => field(`star_thresholds.${i}`, t('asm.rule_star', { n }), rules.star_thresholds?.[i], { min: 0, max: 100, step: 'any' }));
  const minCases = field('min_cases', t('asm.rule_min_cases'), rules.min_cases, { min: 0, max: 100000, step: 1 });
  const bottom = field('bottom_min_communities', t('asm.rule_bottom'), rules.bottom_min_communities, { min: 2, step: 1 });
  // Errors of a whole group (weights that sum to nothing, thresholds out of order).
  for (const group of ['weights', 'star_thresholds']) errors[group] = h('div', { class: 'field-error', dataset: { errorFor: group } });
  const save = h('button', { type: 'submit', class: 'primary', dataset: { action: 'save-rules' } }, t('common.save'));
  const form = h('form', { class: 'asm-rules', id: 'asm-rules', novalidate: true },
    h('fieldset', {}, h('legend', {}, t('asm.rules_weights')), weights.map((w) => w.el), errors.weights),
    h('fieldset', {}, h('legend', {}, t('asm.rules_stars')), thresholds.map((w) => w.el), errors.star_thresholds),
    h('fieldset', {}, h('legend', {}, t('asm.rules_ranking')), minCases.el, bottom.el),
    save, general);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    Object.values(errors).forEach((el) => fill(el));
    fill(general);
    // Numbers as typed; the server says what is wrong with them.
    const number = (f) => (f.input.value.trim() === '' ? null : Number(f.input.value));
    const body = {
      weights: Object.fromEntries(WEIGHTS.map((k, i) => [k, number(weights[i])])),
      star_thresholds: thresholds.map(number),
      min_cases: number(minCases),
      bottom_min_communities: number(bottom),
    };
    save.disabled = true;
    try {
      const saved = await api('/api/v1/settings/assessment', { method: 'PUT', body });
      toast(t('asm.rules_saved'), 'ok');
      onSaved(saved);
    } catch (err) {
      const at = errors[err.field] || general;
      fill(at, err.message, err.detail ? ` (${err.detail})` : '');
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
