import { useState } from 'react';
import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DepartmentMultiPicker, OrgPickerData, UserMultiPicker, UserPicker } from './orgPickers';

const org: OrgPickerData = {
  users: [
    { ref: 'user:default/zhouhao', displayName: '周浩', title: '销售经理', departments: ['group:default/sales-1'] },
    { ref: 'user:default/wufang', displayName: '吴芳', title: null, departments: ['group:default/sales-1', 'group:default/gone'] },
    { ref: 'user:default/linfeng', displayName: '林峰', departments: ['group:default/sales-2'] },
  ],
  departments: [
    { ref: 'group:default/sales-1', displayName: '销售一部' },
    { ref: 'group:default/sales-2', displayName: '销售二部' },
  ],
};

function Single(props: { initial?: string | null; exclude?: string[] }) {
  const [value, setValue] = useState<string | null>(props.initial ?? null);
  return (
    <>
      <UserPicker org={org} label="Approver" testId="user" value={value} onChange={setValue} exclude={props.exclude} />
      <div data-testid="value">{String(value)}</div>
    </>
  );
}

function Multi(props: { initial: string[] }) {
  const [value, setValue] = useState<string[]>(props.initial);
  return (
    <>
      <UserMultiPicker org={org} label="Signers" testId="users" value={value} onChange={setValue} />
      <DepartmentMultiPicker org={org} label="Departments" testId="departments" value={[]} onChange={() => undefined} />
      <div data-testid="value">{value.join(' ')}</div>
    </>
  );
}

async function type(input: HTMLElement, text: string) {
  fireEvent.focus(input);
  fireEvent.change(input, { target: { value: text } });
  return within(await screen.findByRole('listbox')).getAllByRole('option');
}

describe('org pickers', () => {
  it('finds users by department name and shows departments and title', async () => {
    await renderInTestApp(<Single exclude={['user:default/LINFENG']} />);
    const input = await screen.findByTestId('user');
    expect(screen.getByLabelText('Approver')).toBe(input);
    const found = await type(input, '一部');
    expect(found.map(o => o.textContent)).toEqual(['周浩销售一部 · 销售经理', '吴芳销售一部, gone']);
    fireEvent.click(found[1]);
    expect(screen.getByTestId('value')).toHaveTextContent('user:default/wufang');
    // excluded refs are not offered
    fireEvent.change(input, { target: { value: '林' } });
    expect(await screen.findByText('No matches')).toBeInTheDocument();
  });

  it('keeps a chosen ref the directory does not know, by its name part', async () => {
    await renderInTestApp(<Multi initial={['user:default/zhouhao', 'user:default/left-company']} />);
    const input = await screen.findByTestId('users');
    expect(screen.getByRole('button', { name: '周浩' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'left-company' })).toBeInTheDocument();
    fireEvent.click((await type(input, '吴'))[0]);
    expect(screen.getByTestId('value')).toHaveTextContent('user:default/zhouhao user:default/left-company user:default/wufang');
  });

  it('offers departments by name', async () => {
    await renderInTestApp(<Multi initial={[]} />);
    const input = await screen.findByTestId('departments');
    expect((await type(input, '二部')).map(o => o.textContent)).toEqual(['销售二部']);
  });
});
