// Japanese (polite です/ます). Side effect only: `import 'scalekit-admin-portal/locales/ja'` registers it.
import type { ScalekitAdminPortalStrings } from './en.js';
import { registerLocale } from './registry.js';

registerLocale('ja', {
  dir: 'ltr',
  'frame.title': '管理ポータル',
  'status.loading': '管理ポータルを読み込んでいます…',
  'status.ready': '管理ポータルの準備ができました。',
  'status.expired': '管理ポータルのセッションが終了しました。',
  'status.expiring': '管理ポータルのセッションはまもなく終了します。',
  'status.expiring_at': '管理ポータルのセッションは{time}に終了します。',
  'button.renew': '今すぐ更新',
  'button.new_session': '新しいセッションを開始',
  'button.retry': '再試行',
  'error.unauthenticated': 'セッションが終了しました。これらの設定を管理するには、もう一度サインインしてください。',
  'error.forbidden': 'これらの設定を管理する権限がありません。',
  'error.rate_limited': '試行回数が多すぎます。しばらく待ってから、もう一度お試しください。',
  'error.link_request_failed': '管理ポータルを開けませんでした（サーバーの応答：{status}）。',
  'error.network': 'サーバーに接続できませんでした。接続を確認してから、もう一度お試しください。',
  'error.invalid_response': 'サーバーから有効な管理ポータルのリンクが返されませんでした。',
  'error.portal_origin': '管理ポータルのリンク先 {origin} は、portal-origin で許可されていないオリジンです。',
  'error.load_timeout':
    '管理ポータルが{seconds}秒以内に読み込まれませんでした。画面が空白のままの場合は、Scalekit のダッシュボードで、許可するリダイレクト URI に {origin} を追加してください。',
  'error.portal_load_failure': '管理ポータルを読み込めませんでした（{code}）。',
} satisfies ScalekitAdminPortalStrings);
