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
import { appShellTranslationRef } from '../translation';
import { DEMO_USER_KEY, clearDemoUser } from './signIn';

/** Page extension id → translation key for its nav title. */
const TITLES: Record<string, 'nav.crm' | 'nav.catalog' | 'nav.search' | 'nav.notifications' | 'nav.settings'> = {
  'page:crm': 'nav.crm',
  'page:catalog': 'nav.catalog',
  'page:search': 'nav.search',
  'page:notifications': 'nav.notifications',
  'page:user-settings': 'nav.settings',
};

function NavItem(item: NavContentNavItem) {
  const { t } = useTranslationRef(appShellTranslationRef);
  const key = TITLES[item.node.spec.id];
  return <SidebarItem to={item.href} icon={() => item.icon} text={key ? t(key) : item.title} />;
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
      const settings = nav.take('page:user-settings');
      return (
        <Sidebar>
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            <SidebarScrollWrapper>
              {crm}
              <SidebarDivider />
              {nav.rest()}
            </SidebarScrollWrapper>
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <SwitchUserItem />
          {settings}
        </Sidebar>
      );
    },
  },
});
