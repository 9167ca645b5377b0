package dev.groundwork.events.quarkus;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

@Entity
public class Account extends PanacheEntityBase {
    @Id
    public String id;
    public long balance;
}
