import { configure } from '@testing-library/react';
import '@testing-library/jest-dom';

// CI runs every package's tests at once on two cores: give async UI (lookups, lazy pages) time to settle
configure({ asyncUtilTimeout: 5000 });
