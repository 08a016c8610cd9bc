namespace WeChatPay.Payscore; internal static class Placeholder {}
