import { pollLeaseMs } from './verato-notifications';

describe('pollLeaseMs', () => {
  it('is a little shorter than the period, so the next period finds the lock free', () => {
    expect(pollLeaseMs(30)).toBe(28_000);
    expect(pollLeaseMs(5)).toBe(4_500);
    expect(pollLeaseMs(1)).toBe(900);
    expect(pollLeaseMs(3600)).toBe(3_598_000);
  });
});
