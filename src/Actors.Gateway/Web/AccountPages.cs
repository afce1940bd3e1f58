using System.Globalization;
using System.Text;
using Actors.Accounts;
using Actors.Gateway.Accounts;
using Actors.Gateway.News;
using static Actors.Gateway.Web.Html;
using static Actors.Gateway.Web.Layout;

namespace Actors.Gateway.Web;

/// <summary>The bank account pages: the user's accounts (with the money and transfer forms) and an account's statement.</summary>
internal static class AccountPages
{
    public static async Task<IResult> Accounts(HttpContext context)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        // As the API's: after the reader's own writes (read-your-writes), so a deposit made by the page's form shows at once.
        var read = await AccountActions.Summary(page.Grains(), page.User, ReadYourWrites.AccountsWaitOf(context));
        var summary = (OwnerAccountsSummary)read.Value!;
        var html = new StringBuilder("<h2>Your accounts</h2><table class=\"accounts\"><tr><th>account</th><th>currency</th><th>balance</th><th>status</th><th></th></tr>");
        foreach (var account in summary.Accounts)
        {
            html.Append($"<tr class=\"account\" data-account-id=\"{account.Id}\"><td><a href=\"/accounts/{account.Id}\">{account.Id}</a></td><td>{E(account.Currency)}</td><td class=\"balance\">{Money(account.Balance)}</td><td>{E(account.Status)}</td><td><form class=\"moneyform\" data-account-id=\"{account.Id}\"><input type=\"text\" name=\"amount\" size=\"8\" placeholder=\"0.00\"><button name=\"op\" value=\"deposit\">deposit</button><button name=\"op\" value=\"withdraw\">withdraw</button></form></td></tr>");
        }

        html.Append("</table><div class=\"errormsg\"></div>");
        html.Append("<p><button id=\"openaccount\">open another account (EUR)</button></p>");
        html.Append("<h3>Transfer</h3><form id=\"transferform\"><label for=\"from\">from</label><select id=\"from\" name=\"from\">");
        foreach (var account in summary.Accounts.Where(a => a.Status == "open"))
        {
            html.Append($"<option value=\"{account.Id}\">{account.Id} ({Money(account.Balance)} {E(account.Currency)})</option>");
        }

        html.Append("</select><label for=\"to\">to account</label><input type=\"text\" id=\"to\" name=\"to\" size=\"40\"><label for=\"amount\">amount</label><input type=\"text\" id=\"amount\" name=\"amount\" size=\"8\" placeholder=\"0.00\"><br><input type=\"submit\" value=\"Transfer\"></form><div class=\"transfermsg\"></div>");
        return Shell(page, "Accounts", html, channels: summary.Accounts.Select(a => $"account.{a.Id}"));
    }

    public static async Task<IResult> Statement(HttpContext context, string id)
    {
        var page = await PageOf(context);
        if (page.User is null)
        {
            return Results.Redirect("/login");
        }

        // Someone else's account looks exactly like a missing one.
        if (await AccountActions.Statement(page.Grains(), page.User, id, ReadYourWrites.AccountsWaitOf(context)) is not { Value: AccountStatement statement }
            || statement.Owner != page.User.Id)
        {
            return NotFound(page, "No such account.");
        }

        var html = new StringBuilder($"<h2>Statement of {statement.AccountId}</h2><p>Balance: <b class=\"balance\" data-account-id=\"{statement.AccountId}\">{Money(statement.Balance)}</b> {E(statement.Currency)} ({E(statement.Status)})</p>");
        html.Append("<table class=\"statement\"><tr><th>when</th><th>what</th><th>amount</th><th>balance</th><th>counterparty</th></tr>");
        foreach (var entry in statement.Entries.Reverse())
        {
            html.Append($"<tr><td>{Ago(entry.At.ToUnixTimeSeconds(), page.Now)}</td><td>{E(entry.Kind)}</td><td>{Money(entry.Amount)}</td><td>{Money(entry.Balance)}</td><td>{entry.Counterparty?.ToString() ?? ""}</td></tr>");
        }

        html.Append("</table>");
        return Shell(page, "Statement", html, channels: [$"account.{statement.AccountId}"]);
    }

    private static string Money(long minor) => (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
