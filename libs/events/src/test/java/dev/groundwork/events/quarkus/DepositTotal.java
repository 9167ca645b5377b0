package dev.groundwork.events.quarkus;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "deposit_total")
public class DepositTotal extends PanacheEntityBase {
    @Id
    @Column(name = "account_id")
    public String accountId;
    public long total;
    @Column(name = "last_request_id")
    public String lastRequestId;
}
