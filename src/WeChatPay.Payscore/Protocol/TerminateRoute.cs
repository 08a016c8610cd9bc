namespace WeChatPay.Payscore
{
    /// <summary>Which WeChat Pay endpoint ends the authorization.</summary>
    public enum TerminateRoute
    {
        /// <summary><c>POST /v3/payscore/users/{openid}/permissions/{service_id}/terminate</c>, body <c>{appid, reason}</c>.</summary>
        UserPermission,

        /// <summary><c>POST /v3/payscore/permissions/openid/{openid}/terminate</c>, body <c>{service_id, appid, reason}</c>.</summary>
        OpenIdPermission,
    }
}
