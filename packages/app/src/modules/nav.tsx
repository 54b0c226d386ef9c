import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { identityApiRef, useApi, useTranslationRef } from '@backstage/frontend-plugin-api';
import { NavContentBlueprint } from '@backstage/plugin-app-react';
import type { NavContentNavItem } from '@backstage/plugin-app-react';
import MenuIcon from '@material-ui/icons/Menu';
import SwapHorizIcon from '@material-ui/icons/SwapHoriz';
import { useAccessNavTitle } from '@cocrm/plugin-access';
import { ApprovalsNavIcon, useApprovalsNavTitle } from '@cocrm/plugin-workflow';
import { accessSettingsReadPermission } from '@cocrm/plugin-access-common';
import { RequirePermission } from '@backstage/plugin-permission-react';
import { appShellTranslationRef } from '../translation';
import { DEMO_USER_KEY, clearDemoUser } from './signIn';

/** Page extension id → translation key for its nav title. */
const TITLES: Record<string, 'nav.crm' | 'nav.mail' | 'nav.catalog' | 'nav.search' | 'nav.notifications' | 'nav.settings'> = {
  'page:crm': 'nav.crm',
  'page:mail': 'nav.mail',
  'page:catalog': 'nav.catalog',
  'page:search': 'nav.search',
  'page:notifications': 'nav.notifications',
  'page:user-settings': 'nav.settings',
};

function NavItem(item: NavContentNavItem) {
  const { t } = useTranslationRef(appShellTranslationRef);
  // 系统设置 translates itself: its title belongs to the access plugin's translations
  const accessTitle = useAccessNavTitle();
  const approvalsTitle = useApprovalsNavTitle();
  const key = TITLES[item.node.spec.id];
  let text = key ? t(key) : item.title;
  if (item.node.spec.id === 'page:access') text = accessTitle;
  // 审批 carries the signed-in user's 待办 count, kept live by the inbox signal
  if (item.node.spec.id === 'page:workflow') return <SidebarItem to={item.href} icon={ApprovalsNavIcon} text={approvalsTitle} />;
  return <SidebarItem to={item.href} icon={() => item.icon} text={text} />;
}

function SwitchUserItem() {
  const { t } = useTranslationRef(appShellTranslationRef);
  const identityApi = useApi(identityApiRef);
  let demo = false;
  try {
    demo = !!window.localStorage.getItem(DEMO_USER_KEY);
  } catch {
    demo = false;
  }
  if (!demo) return null;
  return (
    <SidebarItem
      icon={SwapHorizIcon}
      text={t('nav.switchUser')}
      onClick={() => {
        clearDemoUser();
        identityApi.signOut();
      }}
    />
  );
}

export const navContent = NavContentBlueprint.make({
  params: {
    component: ({ navItems }) => {
      const nav = navItems.withComponent(NavItem);
      const crm = nav.take('page:crm');
      const approvals = nav.take('page:workflow');
      const mail = nav.take('page:mail');
      const settings = nav.take('page:user-settings');
      const system = nav.take('page:access');
      return (
        <Sidebar>
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            <SidebarScrollWrapper>
              {crm}
              {approvals}
              {mail}
              <SidebarDivider />
              {nav.rest()}
            </SidebarScrollWrapper>
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <SwitchUserItem />
          {/* only those who may open 系统设置 see it */}
          <RequirePermission permission={accessSettingsReadPermission} errorPage={<></>}>
            {system}
          </RequirePermission>
          {settings}
        </Sidebar>
      );
    },
  },
});
