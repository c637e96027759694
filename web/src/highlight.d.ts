// highlight.js declares types for its root only; its core-with-common-languages entry has the same API.
declare module 'highlight.js/lib/common' {
  import type { HLJSApi } from 'highlight.js';
  const hljs: HLJSApi;
  export default hljs;
}
