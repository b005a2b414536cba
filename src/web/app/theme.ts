import type { ThemeConfig } from 'antd';

/** System fonts only (offline): Chinese faces first, then the platform UI font. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1668dc',
    borderRadius: 4,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#001529', headerHeight: 52, headerPadding: '0 20px', siderBg: '#ffffff' },
    // Nine pages in one bar: narrower items keep it on one line at 1280 px (no "more" menu).
    Menu: { itemPaddingInline: 12 },
  },
};
