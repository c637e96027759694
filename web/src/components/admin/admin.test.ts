import { describe, expect, it } from 'vitest';
import { parseBudget } from './BudgetsPanel';
import { groupLabel } from './UsagePanel';

describe('parseBudget', () => {
  it('reads an amount and a percentage', () => {
    expect(parseBudget('25', '80')).toEqual({ monthly_limit_usd: 25, warn_ratio: 0.8 });
    expect(parseBudget(' 0.5 ', '100')).toEqual({ monthly_limit_usd: 0.5, warn_ratio: 1 });
  });
  it('an empty limit means no budget of its own', () => {
    expect(parseBudget('', '80')).toEqual({ monthly_limit_usd: null, warn_ratio: 0.8 });
  });
  it('refuses what is not a budget, with the message to show', () => {
    expect(parseBudget('-3', '80')).toBe('admin.budgets.badLimit');
    expect(parseBudget('열', '80')).toBe('admin.budgets.badLimit');
    expect(parseBudget('10', '0')).toBe('admin.budgets.badWarn');
    expect(parseBudget('10', '120')).toBe('admin.budgets.badWarn');
  });
});

describe('groupLabel', () => {
  const g = { key: '', label: '', turns: 1, answered_turns: 1, cost_usd: 0, input_tokens: 0, output_tokens: 0 };
  it('names agents in Korean and the offline model as what it is', () => {
    expect(groupLabel('agent', { ...g, key: 'legal', label: 'legal' })).toBe('법무');
    expect(groupLabel('model', { ...g, key: 'offline', label: 'offline' })).not.toBe('offline');
    expect(groupLabel('department', { ...g, key: '', label: '' })).toBe('(없음)');
  });
});
