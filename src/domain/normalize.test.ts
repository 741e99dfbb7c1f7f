import { isoDateTime } from './normalize';

describe('isoDateTime', () => {
  const reference = (value: string) => {
    const time = Date.parse(value);
    return Number.isNaN(time) ? null : new Date(time).toISOString();
  };

  it('answers what Date gives for every day, hour and minute edge of the canonical form, and for other forms', () => {
    const values: string[] = ['2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-01T10:60:00.000Z', '2026-01-01T10:00:60.000Z', '2026-05-01', '2026-05-01T10:00:00Z', '2026-05-01T10:00:00+02:00', 'Fri, 01 May 2026 10:00:00 GMT', 'not a date'];
    for (const month of ['01', '02', '04', '12']) for (let day = 0; day <= 32; day++) for (const hour of ['00', '23', '24', '25']) values.push(`2024-${month}-${String(day).padStart(2, '0')}T${hour}:59:59.999Z`);
    for (const value of values) expect({ value, iso: isoDateTime(value) }).toEqual({ value, iso: reference(value) });
  });

  it('is null for nothing', () => {
    expect(isoDateTime(null)).toBeNull();
    expect(isoDateTime(undefined)).toBeNull();
    expect(isoDateTime('')).toBeNull();
  });
});
