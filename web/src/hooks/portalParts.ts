// The portal's state hooks as one bundle: what the hooks that coordinate them (the composer,
// the socket routing) take, so the list is written once.
import type { BannersApi } from './useBanners';
import type { BudgetApi } from './useBudget';
import type { ChatApi } from './useChat';
import type { FilesApi } from './useFiles';
import type { TurnsApi } from './useTurns';
import type { WorkspaceApi } from './useWorkspace';

export interface PortalParts {
  banners: BannersApi;
  chat: ChatApi;
  turns: TurnsApi;
  files: FilesApi;
  workspace: WorkspaceApi;
  budget: BudgetApi;
}
