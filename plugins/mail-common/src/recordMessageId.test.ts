import { parseRecordMessageId, recordMessageId } from './recordMessageId';

describe('recordMessageId', () => {
  const id = '3f2a9c1e-8b4d-4e6f-9a0b-1c2d3e4f5a6b';

  it('names the record and parses back, with or without angle brackets', () => {
    const header = recordMessageId({ type: 'customer', id }, 'crm.example.com', 'abc123');
    expect(header).toBe(`<cocrm.customer.${id}.abc123@crm.example.com>`);
    expect(parseRecordMessageId(header)).toEqual({ type: 'customer', id });
    expect(parseRecordMessageId(header.slice(1, -1))).toEqual({ type: 'customer', id });
  });

  it('ignores ordinary Message-IDs and malformed ids', () => {
    expect(parseRecordMessageId('<CAF=abc@mail.gmail.com>')).toBeUndefined();
    expect(parseRecordMessageId(`<cocrm.invoice.${id}.x@h>`)).toBeUndefined();
    expect(parseRecordMessageId('<cocrm.customer.not-a-uuid.x@h>')).toBeUndefined();
    expect(parseRecordMessageId(null)).toBeUndefined();
  });
});
