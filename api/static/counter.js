// The counter's basket: running total and balance after as the clerk types; one submit only;
// the receipt's print button. The server decides everything; this only shows it sooner.
(() => {
  const form = document.getElementById("basket");
  if (form) {
    const balance = Number(document.getElementById("balance").dataset.balance);
    const update = () => {
      let total = 0;
      for (const input of form.querySelectorAll("input.qty")) {
        total += Number(input.dataset.price) * Math.max(0, Number(input.value) || 0);
      }
      document.getElementById("basket-total").textContent = total;
      const after = document.getElementById("balance-after");
      after.textContent = balance - total;
      after.classList.toggle("neg", balance - total < 0);
    };
    form.addEventListener("input", update);
    update();
  }
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
})();
