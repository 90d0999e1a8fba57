<h1><?= htmlspecialchars($app) ?> <?= htmlspecialchars($version) ?></h1>
<form method="post" action="/deals">
  <input name="title"> <input name="amount"> <button>Send deal to Zoho</button>
</form>
