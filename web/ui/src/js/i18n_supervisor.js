// The words of the supervisor's screens: the overdue map's steps and legend, the overdue
// list and 催办 (urging), the worker's notice of an urge, and the wall screen (大屏).
// i18n.js merges them into its dictionaries.
export const zh = {
  'event.urge': '催办', 'action.urge': '催办',
  'sup.legend_fill': '填色：超时案件占在办案件的比例',
  'sup.step_0': '无超时', 'sup.step_low': '有超时，低于 {to}%', 'sup.step_mid': '{from}%–{to}%', 'sup.step_top': '{from}% 及以上',
  'sup.legend_outline': '边框：在办案件中最紧急的颜色', 'sup.outline': '有{u}案件',
  'sup.overdue_note': '超时按案件错过时限时的紧急程度计数（与考评相同）。',
  'sup.tab_list': '超时清单', 'sup.list_title': '辖区超时案件（超时最久在前）', 'sup.list_empty': '辖区内没有超时案件。',
  'sup.overdue_for': '已超时 {d}', 'sup.missed': '错过{u}时限', 'sup.page': '第 {from}–{to} 件，共 {total} 件',
  'sup.prev': '上一页', 'sup.next': '下一页',
  'sup.urge': '催办', 'sup.urge_title': '催办案件 #{id}', 'sup.urge_note': '催办意见（网格员会立即收到）',
  'sup.urged': '已催办案件 #{id}。', 'sup.urged_badge': '被催办', 'sup.urged_toast': '案件 #{id} 被催办：{note}',
  'nav.wall': '指挥大屏', 'wall.title': '指挥中心大屏', 'wall.intake': '今日受理', 'wall.dispatched': '今日派遣',
  'wall.closed': '今日办结', 'wall.overdue': '超时在办', 'wall.ontime': '今日按时办结率', 'wall.latest': '最新案件',
  'wall.streets': '各街道在办与超时', 'wall.map': '超时分布', 'wall.open': '在办', 'wall.none': '暂无',
  'wall.updated': '更新于 {time}',
  'asm.period_month_current': '本月（{y}年{m}月）', 'asm.period_month': '{y}年{m}月',
};

export const en = {
  'event.urge': 'Urged', 'action.urge': 'Urge',
  'sup.legend_fill': 'Fill: overdue cases as a share of open cases',
  'sup.step_0': 'Nothing overdue', 'sup.step_low': 'Some overdue, under {to}%', 'sup.step_mid': '{from}%–{to}%', 'sup.step_top': '{from}% or more',
  'sup.legend_outline': 'Outline: the most urgent open case', 'sup.outline': '{u} case open',
  'sup.overdue_note': 'Overdue cases count under the urgency whose deadline they missed (as in the assessment).',
  'sup.tab_list': 'Overdue list', 'sup.list_title': 'Overdue cases, longest overdue first', 'sup.list_empty': 'No overdue cases in your area.',
  'sup.overdue_for': 'Overdue {d}', 'sup.missed': 'missed the {u} deadline', 'sup.page': '{from}–{to} of {total}',
  'sup.prev': 'Previous', 'sup.next': 'Next',
  'sup.urge': 'Urge', 'sup.urge_title': 'Urge case #{id}', 'sup.urge_note': 'What to urge (the worker is told at once)',
  'sup.urged': 'Case #{id} urged.', 'sup.urged_badge': 'Urged', 'sup.urged_toast': 'Case #{id} urged: {note}',
  'nav.wall': 'Wall screen', 'wall.title': 'Command center wall', 'wall.intake': 'Taken in today', 'wall.dispatched': 'Dispatched today',
  'wall.closed': 'Closed today', 'wall.overdue': 'Open overdue', 'wall.ontime': 'Closed on time today', 'wall.latest': 'Latest cases',
  'wall.streets': 'Open and overdue by street', 'wall.map': 'Where cases are overdue', 'wall.open': 'open', 'wall.none': 'None yet',
  'wall.updated': 'Updated {time}',
  'asm.period_month_current': 'This month ({y}-{m})', 'asm.period_month': '{y}-{m}',
};
