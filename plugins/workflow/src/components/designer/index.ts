/** 流程设计 (BPM 动态建模): routed by the plugin at `/approvals/flows` and `/approvals/flows/:id`. */
export { FlowListPage } from './FlowListPage';
export { FlowDesignerPage } from './FlowDesignerPage';
/** The editor alone (definition in, definition out), for embedding or previews. */
export { FlowEditor } from './FlowEditor';
export type { FlowEditorProps, Selection } from './FlowEditor';
export { DirectoryProvider as DesignerDirectoryProvider } from './directory';
export type { Directory as DesignerDirectory } from './directory';
export { designerTranslationRef } from './translation';
export { designerMessagesEn } from './messages.en';
export { designerMessagesZhCN } from './messages.zh-CN';
