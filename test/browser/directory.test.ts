// The screens that were only in the API, used in a real Chromium: the directory the popups identify
// callers from (an organization and its contact created, a refusal explained in Russian, edited, the
// contact found by its number in another spelling), the weekly schedule and lunch (the head edits,
// a specialist reads), one's own password (a weak one explained, then changed and used), and a role
// change that asks first.
import t from 'tap'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer } from '../helpers/browser.js'

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  const server = await startServer(t)
  const browser = await launchBrowser(t)

  t.test('directory: an organization and its contact, created, refused in Russian, edited, found by number', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    await login(page, 'ivanova')
    await page.getByRole('link', { name: 'Справочник' }).click()
    await page.getByTestId('org-new').click()
    const org = page.getByTestId('org-dialog')
    await org.getByLabel(/Наименование/).fill('МАОУ СОШ № 7 г. Тюмени')
    await org.getByLabel('ИНН').fill('720300')
    await org.getByRole('button', { name: 'Добавить' }).click()
    await org.getByRole('alert').waitFor()
    t.equal(await org.getByRole('alert').textContent(), '«ИНН» указано неверно: 10 цифр (организация) или 12 (предприниматель)', 'a bad ИНН: the field and what it must be, in Russian')
    await org.getByLabel('ИНН').fill('7203000007')
    await org.getByRole('button', { name: 'Добавить' }).click()
    await page.getByTestId('org-title').getByText('МАОУ СОШ № 7 г. Тюмени').waitFor()
    t.pass('created; its card opens')

    await page.getByTestId('contact-new').click()
    const contact = page.getByTestId('contact-dialog')
    await contact.getByLabel(/ФИО/).fill('Соколова Ирина Павловна')
    await contact.getByLabel('Должность').fill('секретарь')
    await contact.getByLabel(/Телефоны/).fill('8 (3452) 50-60-70')
    await contact.getByLabel(/Адреса эл\. почты/).fill('не-адрес')
    await contact.getByRole('button', { name: 'Добавить' }).click()
    await contact.getByRole('alert').waitFor()
    t.equal(await contact.getByRole('alert').textContent(), '«Эл. почта»: адрес электронной почты указан неверно', 'a bad address is explained')
    await contact.getByLabel(/Адреса эл\. почты/).fill('sokolova@school7.ru')
    await contact.getByRole('button', { name: 'Добавить' }).click()
    await page.getByTestId('contacts-table').getByText('Соколова Ирина Павловна').waitFor()
    t.match(await page.getByTestId('contacts-table').textContent(), /\+7 \(3452\) 50-60-70/, 'the number stored and shown in one spelling')

    // a second organization of the same name is refused with its name
    await page.getByRole('button', { name: '← Все организации' }).click()
    await page.getByTestId('org-new').click()
    await page.getByTestId('org-dialog').getByLabel(/Наименование/).fill('маоу сош № 7 г. тюмени')
    await page.getByTestId('org-dialog').getByRole('button', { name: 'Добавить' }).click()
    await page.getByTestId('org-dialog').getByRole('alert').waitFor()
    t.equal(await page.getByTestId('org-dialog').getByRole('alert').textContent(), 'Организация «маоу сош № 7 г. тюмени» уже есть в справочнике', 'a duplicate is refused in Russian')
    await page.getByTestId('org-dialog').getByRole('button', { name: 'Отмена' }).click()

    // edited, and found by its number in another spelling
    await page.getByTestId('org-search').fill('СОШ № 7')
    await page.getByRole('button', { name: 'Найти' }).click()
    await page.getByTestId('org-table').getByRole('link', { name: 'МАОУ СОШ № 7 г. Тюмени' }).click()
    await page.getByTestId('org-edit').click()
    await page.getByTestId('org-dialog').getByLabel('Примечание').fill('Корпус на ул. Ленина')
    await page.getByTestId('org-dialog').getByRole('button', { name: 'Сохранить' }).click()
    await page.getByText('Корпус на ул. Ленина').waitFor()
    t.pass('the organization edited')
    await page.getByRole('tab', { name: 'Контакты' }).click()
    await page.getByTestId('contact-search').fill('+73452506070')
    await page.getByRole('button', { name: 'Найти' }).click()
    await page.getByTestId('contacts-table').getByText('Соколова Ирина Павловна').waitFor()
    t.match(await page.getByTestId('contacts-table').textContent(), /МАОУ СОШ № 7/, 'found by the number written differently, with its organization')
    await screenshot(page, 'directory-contacts')
    const found = await (await page.request.get('/api/contacts?phone=' + encodeURIComponent('83452506070'))).json() as { items: Array<{ fullName: string }> }
    t.same(found.items.map((c) => c.fullName), ['Соколова Ирина Павловна'], 'the popup\'s lookup finds the caller now')
    t.same(errors.filter((e) => !/response: 40[0-9] /.test(e) || / 404 /.test(e)), [], 'no errors in the page')
  })

  t.test('schedule: the head changes the lunch, a specialist reads it', async (t) => {
    const head = await (await newContext(browser, server.url)).newPage()
    await login(head, 'petrov')
    await head.getByRole('link', { name: 'График' }).click()
    await head.getByLabel('Обед: начало').fill('12:30')
    await head.getByLabel('Обед: конец').fill('13:15')
    await head.getByLabel('Пятница: конец').fill('09:00')
    await head.getByTestId('schedule-save').click()
    await head.getByTestId('schedule-error').waitFor()
    t.equal(await head.getByTestId('schedule-error').textContent(), 'Пятница: начало работы должно быть раньше окончания', 'a day that ends before it starts is explained')
    await head.getByLabel('Пятница: конец').fill('16:45')
    await head.getByTestId('schedule-save').click()
    await head.getByText('График сохранён и уже действует').waitFor()
    const saved = await (await head.request.get('/api/schedule')).json() as { lunch: unknown, week: { fri: unknown } }
    t.same([saved.lunch, saved.week.fri], [{ from: '12:30', to: '13:15' }, { from: '09:00', to: '16:45' }], 'the service has the new lunch and Friday')

    const spec = await (await newContext(browser, server.url)).newPage()
    await login(spec, 'ivanova')
    await spec.goto('/schedule')
    await spec.getByLabel('Обед: начало').waitFor()
    t.equal(await spec.getByLabel('Обед: начало').inputValue(), '12:30', 'the specialist sees the new lunch')
    t.ok(await spec.getByLabel('Обед: начало').isDisabled(), 'and cannot change it')
    t.equal(await spec.getByTestId('schedule-save').count(), 0, 'no save button')
  })

  t.test('password: a weak one explained, then changed and used; a role change asks first', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    await login(page, 'sidorova')
    await page.getByTestId('password-link').click()
    const form = page.getByTestId('password-form')
    await form.getByLabel('Текущий пароль').fill('correct-horse-battery')
    await form.getByLabel('Новый пароль', { exact: true }).fill('sidorova-2026')
    await form.getByLabel('Новый пароль ещё раз').fill('sidorova-2026')
    await form.getByRole('button', { name: 'Сменить пароль' }).click()
    await page.getByTestId('password-error').waitFor()
    t.equal(await page.getByTestId('password-error').textContent(), 'Пароль слишком простой: он должен быть без имени пользователя внутри', 'WEAK_PASSWORD says why, in Russian')
    await form.getByLabel('Текущий пароль').fill('correct-horse-battery')
    await form.getByLabel('Новый пароль', { exact: true }).fill('тюменская осень 2026')
    await form.getByLabel('Новый пароль ещё раз').fill('тюменская осень 2026')
    await form.getByRole('button', { name: 'Сменить пароль' }).click()
    await page.getByTestId('password-notice').waitFor()
    const again = await (await newContext(browser, server.url)).newPage()
    await login(again, 'sidorova', 'тюменская осень 2026')
    t.pass('the new password logs in (the auditor may change her own password)')

    const head = await (await newContext(browser, server.url)).newPage()
    await login(head, 'petrov')
    await head.goto('/users')
    const role = head.getByTestId('role-ivanova')
    await role.selectOption('auditor')
    await head.getByTestId('role-dialog').waitFor()
    t.match(await head.getByTestId('role-dialog').textContent(), /Иванова Анна Сергеевна: «Специалист» → «Аудитор»/, 'the change is asked first, naming who and what')
    await head.getByTestId('role-dialog').getByRole('button', { name: 'Отмена' }).click()
    t.equal(await head.getByTestId('role-ivanova').inputValue(), 'specialist', 'cancelled: the select shows the role as it is')
    const users = async () => (await (await head.request.get('/api/users')).json() as { items: Array<{ username: string, role: string }> }).items
    t.equal((await users()).find((u) => u.username === 'ivanova')?.role, 'specialist', 'and nothing changed')
    await head.getByTestId('role-ivanova').selectOption('head')
    await head.getByTestId('role-dialog').getByRole('button', { name: 'Сменить роль' }).click()
    await head.getByTestId('role-dialog').waitFor({ state: 'detached' })
    t.equal((await users()).find((u) => u.username === 'ivanova')?.role, 'head', 'confirmed: the role changed')
  })
}
