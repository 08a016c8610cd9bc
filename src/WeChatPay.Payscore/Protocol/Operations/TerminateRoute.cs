namespace WeChatPay.Payscore
{
    /// <summary>Which WeChat Pay endpoint ends the authorization.</summary>
    public enum TerminateRoute
    {
        /// <summary><c>POST /v3/payscore/users/{openid}/permissions/{service_id}/terminate</c>, body <c>{appid, reason}</c>.</summary>
        UserPermission,

        /// <summary><c>POST /v3/payscore/permissions/openid/{openid}/terminate</c>, body <c>{service_id, appid, reason}</c>.</summary>
        OpenIdPermission,

        /// <summary><c>POST /v3/payscore/permissions/authorization-code/{authorization_code}/terminate</c>, body <c>{service_id, reason}</c>.</summary>
        AuthorizationCode,

        /// <summary><c>POST /v3/payscore/partner/permissions/terminate</c>, body <c>{service_id, sub_mchid, appid, sub_appid, openid or sub_openid, reason}</c>.</summary>
        Partner,

        /// <summary><c>POST /v3/payscore/partner/permissions/authorization-code/{authorization_code}/terminate</c>, body <c>{service_id, sub_mchid, reason}</c>.</summary>
        PartnerAuthorizationCode,
    }
}
